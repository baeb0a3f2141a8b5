package search

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// KeepUp catches the index up and hands back the command's error; an
// index that cannot be written fails a command that succeeded, and any
// other failure is a warning only.
func TestKeepUp(t *testing.T) {
	db, apath := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 10)
	ctx := context.Background()
	var logs bytes.Buffer
	o := KeepOptions{Index: Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}}
	path := PathFor(apath)
	if err := KeepUp(ctx, path, db, o, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := ix.Status(ctx, db); err != nil || st.Behind != 0 || st.Versions != 10 {
		t.Errorf("after KeepUp: %+v %v, want 10 versions, none behind", st, err)
	}
	ix.Close()

	stored := errors.New("the command's own")
	if err := KeepUp(ctx, path, db, o, stored); err != stored {
		t.Errorf("KeepUp after a failed command: %v, want its error", err)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	unwritable := filepath.Join(notDir, "a.search")
	if err := KeepUp(ctx, unwritable, db, o, nil); !Environmental(err) || !strings.Contains(err.Error(), "articles stored, but") {
		t.Errorf("KeepUp into a folder that is a file: %v, want the command's error", err)
	}
	if err := KeepUp(ctx, unwritable, db, o, stored); err != stored {
		t.Errorf("the same after a failed command: %v, want the command's error alone", err)
	}
	logs.Reset()
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	testarchive.Seed(t, db, 10, 12)
	if err := KeepUp(stopped, path, db, o, nil); err != nil || !strings.Contains(logs.String(), "search index not caught up") {
		t.Errorf("a stopped catch-up: %v, logs %q: want a warning only", err, logs.String())
	}
}

// Refresh with rebuild makes the index again from the whole archive.
func TestIndex_Refresh(t *testing.T) {
	db, apath := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 5)
	ctx := context.Background()
	ix, err := Open(PathFor(apath), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, rebuild := range []bool{false, true} {
		rep, err := ix.Refresh(ctx, db, rebuild, nil)
		if err != nil || rep.Articles != 5 && rebuild {
			t.Errorf("rebuild %v: %+v %v", rebuild, rep, err)
		}
	}
}
