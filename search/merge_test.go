package search

import (
	"context"
	"path/filepath"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// automergeOf is the automerge each FTS table of ix has in its config (0
// for FTS5's default, not written there).
func automergeOf(t *testing.T, ix *Index) []int {
	t.Helper()
	var got []int
	for _, tb := range mergeTables {
		var v int
		err := ix.sql().QueryRow(`SELECT coalesce((SELECT v FROM ` + tb + `_config WHERE k='automerge'), 0)`).Scan(&v)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	return got
}

// A new index merges its segments automerge at a time; an index of an
// earlier release (FTS5's default, 4) is set so by its next catch-up that
// writes, its articles kept and found; opening it changes nothing.
func TestMerging(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 12)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.search")
	ix := openT(t, path, nil)
	if got := automergeOf(t, ix); got[0] != automerge || got[1] != automerge {
		t.Fatalf("a new index: automerge %v, want %d in both tables", got, automerge)
	}
	if _, err := ix.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	for _, tb := range mergeTables {
		if _, err := ix.sql().Exec(`INSERT INTO ` + tb + `(` + tb + `, rank) VALUES('automerge', 4)`); err != nil {
			t.Fatal(err)
		}
	}
	ix.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := automergeOf(t, ro); got[0] != 4 || got[1] != 4 {
		t.Errorf("after a read-only open: automerge %v, want the file's 4", got)
	}
	ro.Close()
	ix = openT(t, path, nil)
	defer ix.Close()
	if got := automergeOf(t, ix); got[0] != 4 || got[1] != 4 {
		t.Errorf("after a writable open: automerge %v, want the file's 4 until a catch-up writes", got)
	}
	testarchive.Seed(t, db, 12, 15)
	if rep, err := ix.CatchUp(ctx, db, nil); err != nil || rep.Articles != 3 {
		t.Fatalf("catch-up of 3 new articles: %+v %v", rep, err)
	}
	if got := automergeOf(t, ix); got[0] != automerge || got[1] != automerge {
		t.Errorf("an earlier index after a catch-up: automerge %v, want %d", got, automerge)
	}
	for _, q := range []string{"第3篇", "第13篇"} {
		if m, err := ix.Match(ctx, Request{Query: q}); err != nil || m.Total != 1 {
			t.Errorf("search %q after: %+v %v", q, m, err)
		}
	}
}
