package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// brokenArchive is an archive of 40 articles whose first leaf of articles
// is broken, opened as verify opens it.
func brokenArchive(t *testing.T) *store.DB {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 40)
	db.Close()
	broken := filepath.Join(t.TempDir(), "broken.db")
	storetest.BreakLeaf(t, path, broken, "articles")
	db, err := store.OpenAs(context.Background(), broken, sppcrawl.OpenSalvages, store.Options{CheckPages: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.Broken() == nil {
		t.Fatal("the broken leaf is not found on opening")
	}
	return db
}

// A broken archive is replaced by what its sound pages hold, opened for
// writing, the damaged file kept aside.
func TestSalvaged(t *testing.T) {
	db := brokenArchive(t)
	path := db.Path()
	salvaged, rep, err := db.Salvaged(context.Background(), store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer salvaged.Close()
	if salvaged.Path() != path || salvaged.Broken() != nil || salvaged.ReadOnly() {
		t.Errorf("the copy: at %s (want %s), broken %v, read-only %v", salvaged.Path(), path, salvaged.Broken(), salvaged.ReadOnly())
	}
	if _, err := os.Stat(rep.Aside); err != nil || rep.Aside == path {
		t.Errorf("the damaged file is not kept aside (%q): %v", rep.Aside, err)
	}
}

// A salvage replaces the file: while another process holds it, it is
// refused in words, and the damaged archive is left as it was.
func TestSalvaged_Locked(t *testing.T) {
	db := brokenArchive(t)
	other, err := store.Open(db.Path(), store.Options{ReadOnly: true, MustExist: true, Salvage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, _, err = db.Salvaged(context.Background(), store.Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("salvage beside another open: %v, want ErrLocked", err)
	}
	if matches, _ := filepath.Glob(db.Path() + ".damaged-*"); len(matches) != 0 {
		t.Errorf("the file was moved aside all the same: %v", matches)
	}
}
