package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/store"
)

// A program that links no sites registry has no site to read an archive
// of an earlier release by: Open says so, naming the file, and creates
// nothing, rather than guess a host. Not parallel: it clears the default
// every other test reads, and restores it.
func TestOpen_NoDefaultSite(t *testing.T) {
	def, ok := sppcrawl.DefaultSite()
	if !ok {
		t.Fatal("the test binary registers no default site (it links the registry through its helpers)")
	}
	sppcrawl.SetDefaultSite(nil)
	defer sppcrawl.SetDefaultSite(def)
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := store.Open(path, store.Options{})
	if err == nil {
		db.Close()
		t.Fatal("Open without a default site succeeded")
	}
	if !errors.Is(err, store.ErrNoSite) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open = %v; want ErrNoSite naming %s", err, path)
	}
	if m, _ := filepath.Glob(path + "*"); len(m) != 0 {
		t.Errorf("Open without a site left %v", m)
	}
}
