package postgres_test

import (
	"context"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/postgres"
)

// A program that links no sites registry has no site for the DB's own
// crawl-log methods and the archives of earlier releases: Open says so
// before it connects. Not parallel: it clears the default every other test
// reads, and restores it.
func TestOpen_NoDefaultSite(t *testing.T) {
	def, ok := sppcrawl.DefaultSite()
	if !ok {
		t.Fatal("the test binary registers no default site (it links the registry)")
	}
	sppcrawl.SetDefaultSite(nil)
	defer sppcrawl.SetDefaultSite(def)
	db, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	if err == nil {
		db.Close()
		t.Fatal("Open without a default site succeeded")
	}
	if !strings.Contains(err.Error(), "no default site registered") {
		t.Errorf("Open = %v; want it to say no default site is registered", err)
	}
}
