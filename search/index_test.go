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

// TestOpen_MakesAgain: an index of an earlier layout (an upgrade) or a file
// that is no index is made again from nothing, saying which, and the next
// catch-up fills it from the archive.
func TestOpen_MakesAgain(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 12)
	ctx := context.Background()
	for _, c := range []struct {
		name, log string
		spoil     func(t *testing.T, path string)
	}{
		{"earlier layout", "level=INFO msg=\"search index of an earlier layout", func(t *testing.T, path string) {
			ix := openT(t, path, nil)
			if _, err := ix.sql().Exec(`UPDATE meta SET value='1' WHERE key='schema'`); err != nil {
				t.Fatal(err)
			}
			ix.Close()
		}},
		{"not an index", "level=WARN msg=\"search index unusable", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 1000), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.search")
			ix := openT(t, path, nil)
			if _, err := ix.CatchUp(ctx, db, nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			c.spoil(t, path)
			var log bytes.Buffer
			ix = openT(t, path, slog.New(slog.NewTextHandler(&log, nil)))
			defer ix.Close()
			if !strings.Contains(log.String(), c.log) {
				t.Errorf("log %q, want %q", log.String(), c.log)
			}
			if st, err := ix.Status(ctx, db); err != nil || st.Behind != 12 || st.Versions != 0 {
				t.Fatalf("made again: %+v %v, want empty and 12 behind", st, err)
			}
			if rep, err := ix.CatchUp(ctx, db, nil); err != nil || rep.Articles != 12 {
				t.Fatalf("catch-up after: %+v %v", rep, err)
			}
			if m, err := ix.Match(ctx, Request{Query: "第3篇"}); err != nil || m.Total != 1 {
				t.Fatalf("search after: %+v %v", m, err)
			}
		})
	}
}

func openT(t *testing.T, path string, log *slog.Logger) *Index {
	t.Helper()
	ix, err := Open(path, Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestDamaged: a file whose pages SQLite cannot read fails Check and a
// search with ErrDamaged (an ErrIndex) in words, Status says so (and
// Stale), Rebuild cannot clear it, and CatchUp makes it again: an index
// that answers as before.
func TestDamaged(t *testing.T) {
	db, ixPath := damagedArchive(t, 60)
	ctx := context.Background()
	ix := openT(t, ixPath, nil)
	if err := ix.Check(ctx); !errors.Is(err, ErrDamaged) {
		t.Errorf("check of a damaged file: %v", err)
	}
	ix.Close()
	ix = openT(t, ixPath, nil)
	_, err := ix.Match(ctx, Request{Query: "检察院"})
	if !errors.Is(err, ErrDamaged) || !errors.Is(err, ErrIndex) || !strings.Contains(err.Error(), "index --rebuild") {
		t.Fatalf("search on a damaged file: %v", err)
	}
	st, err := ix.Status(ctx, db)
	if err != nil || !strings.Contains(st.Damaged, "malformed") || !strings.Contains(st.Stale(), "damaged") {
		t.Errorf("status %+v (stale %q), %v", st, st.Stale(), err)
	}
	if _, err := ix.Rebuild(ctx, db, nil); !errors.Is(err, ErrDamaged) {
		t.Errorf("rebuild by SQL on a damaged file: %v", err)
	}
	defer ix.Close()
	if _, err := ix.CatchUp(ctx, db, nil); err != nil { // it makes the file again
		t.Fatal(err)
	}
	got, err := ix.Match(ctx, Request{Query: "检察院"})
	if want := scanCount(t, db, "检察院"); err != nil || got.Total != want {
		t.Fatalf("after Remake: %v results, %v; the scan finds %d", got, err, want)
	}
	if st, _ := ix.Status(ctx, db); st.Damaged != "" || st.Stale() != "" {
		t.Errorf("after Remake: %+v", st)
	}
	if err := ix.Check(ctx); err != nil {
		t.Errorf("check after Remake: %v", err)
	}
}
