package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

// Each mode opens the archive as it says: absent, present, and held by a
// writer.
func TestOpenAs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing, path := filepath.Join(dir, "none.db"), filepath.Join(dir, "a.db")
	o := store.Options{Timeout: 50 * time.Millisecond}
	for _, c := range []struct {
		mode     sppcrawl.OpenMode
		at       string
		err      error
		none     bool // no archive, no error
		readOnly bool
	}{
		{mode: sppcrawl.OpenNone, at: path, none: true},
		{mode: sppcrawl.OpenReads, at: missing, err: store.ErrNoArchive},
		{mode: sppcrawl.OpenWrites, at: missing, err: store.ErrNoArchive},
		{mode: sppcrawl.OpenReadsIfExists, at: missing, none: true},
		{mode: sppcrawl.OpenWritesIfExists, at: missing, none: true},
		{mode: sppcrawl.OpenCreates, at: path},
		{mode: sppcrawl.OpenReads, at: path, readOnly: true},
		{mode: sppcrawl.OpenReadsIfExists, at: path, readOnly: true},
		{mode: sppcrawl.OpenWrites, at: path},
		{mode: sppcrawl.OpenSalvages, at: path},
		{mode: sppcrawl.OpenSalvagesRead, at: path, readOnly: true},
		{mode: sppcrawl.OpenReadsBeside, at: path, readOnly: true},
	} {
		db, err := store.OpenAs(ctx, c.at, c.mode, o)
		switch {
		case c.err != nil || err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("mode %d at %s: %v, want %v", c.mode, filepath.Base(c.at), err, c.err)
			}
		case c.none != (db == nil):
			t.Errorf("mode %d at %s: archive %v, want none: %v", c.mode, filepath.Base(c.at), db != nil, c.none)
		case db != nil && db.ReadOnly() != c.readOnly:
			t.Errorf("mode %d: read-only %v, want %v", c.mode, db.ReadOnly(), c.readOnly)
		}
		if db != nil {
			db.Close()
		}
	}
}

// Beside a writer, a reader waits for the lock and gives up, but the
// subscriptions' readers get a copy.
func TestOpenAs_BesideAWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	w, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	o := store.Options{Timeout: 50 * time.Millisecond}
	if _, err := store.OpenAs(ctx, path, sppcrawl.OpenReads, o); !errors.Is(err, store.ErrLocked) {
		t.Errorf("reads beside a writer: %v, want ErrLocked", err)
	}
	db, err := store.OpenAs(ctx, path, sppcrawl.OpenReadsBeside, o)
	if err != nil {
		t.Fatalf("reads beside: %v", err)
	}
	defer db.Close()
	if subs, err := db.Subscriptions(ctx); err != nil || len(subs) != 0 {
		t.Errorf("the copy's subscriptions: %v %v", subs, err)
	}
	if db.Path() == path {
		t.Errorf("beside a writer, the archive itself was opened, not a copy")
	}
}
