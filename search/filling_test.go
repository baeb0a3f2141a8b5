package search_test

import (
	"context"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/search"
	"sppcrawl/store"
)

// A new index is filling until a catch-up reaches the archive's end; so is
// one emptied by a rebuild; a sound file opened again is not.
func TestIndex_Filling(t *testing.T) {
	ctx := context.Background()
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 10)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ix.Filling() {
		t.Error("a new index is not filling")
	}
	if _, err := ix.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if ix.Filling() {
		t.Error("caught up, still filling")
	}
	ix.Close()
	if ix, err = search.Open(search.PathFor(path), search.Options{}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Filling() {
		t.Error("a sound file opened again is filling")
	}
	if _, err := ix.Rebuild(ctx, db, func(done, total int) {
		if done < total && !ix.Filling() {
			t.Errorf("rebuilding (%d of %d), not filling", done, total)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if ix.Filling() {
		t.Error("rebuilt, still filling")
	}
}
