package postgres_test

import (
	"context"
	"testing"

	"sppcrawl"
	"sppcrawl/postgres"
)

// A command that opens no archive does not connect; any other mode does
// (here to a port nothing listens on).
func TestOpenAs_None(t *testing.T) {
	const dsn = "postgres://crawler@127.0.0.1:1/spp?connect_timeout=5"
	db, err := postgres.OpenAs(context.Background(), dsn, sppcrawl.OpenNone)
	if db != nil || err != nil {
		t.Errorf("OpenNone: %v %v, want no archive and no error", db, err)
	}
	if db, err := postgres.OpenAs(context.Background(), dsn, sppcrawl.OpenReads); err == nil {
		db.Close()
		t.Errorf("OpenReads of a database nothing serves: no error")
	}
}
