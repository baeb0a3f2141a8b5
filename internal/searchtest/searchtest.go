// Package searchtest gives the tests of what serves searches (publish, web,
// the command) a search index in a given state: one whose file was written
// whole, then damaged as a failing disk leaves it.
package searchtest

import (
	"context"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// Damaged is a test archive of n articles and its search index, caught up,
// then damaged (storetest.Scribble) and opened again (closed when the
// test ends): the first query that reads a damaged page fails.
func Damaged(tb testing.TB, n int) (*store.DB, *search.Index) {
	tb.Helper()
	db, path := testarchive.Open(tb, store.Options{})
	testarchive.Seed(tb, db, 0, n)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		tb.Fatal(err)
	}
	ix.Close()
	storetest.Scribble(tb, search.PathFor(path))
	if ix, err = search.Open(search.PathFor(path), search.Options{}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return db, ix
}
