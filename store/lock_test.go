package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"sppcrawl/store"
)

// A salvage replaces the file: it must not start while any process (here,
// an open in this one, through its own file description) holds the archive,
// and it must get it once that one is gone.
func TestSalvage_Locked(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "a.db")
		w, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if readOnly {
			w.Close()
			if w, err = store.Open(path, store.Options{ReadOnly: true}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = store.Salvage(context.Background(), path, 100*time.Millisecond)
		if !errors.Is(err, store.ErrLocked) {
			t.Errorf("read-only %v: salvage beside an open archive: %v, want ErrLocked", readOnly, err)
		}
		w.Close()
		if _, err := store.Salvage(context.Background(), path, time.Second); err != nil {
			t.Errorf("read-only %v: salvage once closed: %v", readOnly, err)
		}
	}
}
