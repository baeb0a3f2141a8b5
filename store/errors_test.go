package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

// The store's errors are the root package's sentinels, so a reader that
// knows only sppcrawl (publish, web and push once they take the root
// interfaces) classifies them.
func TestErrors_RootSentinels(t *testing.T) {
	ctx := context.Background()
	db, path := damagedArchive(t)
	_, err := db.Get(ctx, "spp-3")
	wantIs(t, "a record that does not decode", err, sppcrawl.ErrUndecodable)
	skipped, err := sppcrawl.Partial(db.ForEach(ctx, 0, func(*sppcrawl.Article) error { return nil }))
	if err != nil || len(skipped) != 1 {
		t.Errorf("sppcrawl.Partial of a read past it: %v, %v; want 1 record skipped", skipped, err)
	}
	_, err = store.Open(path, store.Options{Timeout: 100 * time.Millisecond})
	wantIs(t, "a second open", err, sppcrawl.ErrLocked)
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.db")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(cut, store.Options{ReadOnly: true})
	wantIs(t, "an open of a file cut short", err, sppcrawl.ErrDamaged)
}

func wantIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: %v, want %v", what, err, want)
	}
}
