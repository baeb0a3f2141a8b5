package publish_test

import (
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

func openTestDB(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	return testarchive.Open(tb, store.Options{})
}

// testArticle is article i, as extract would give it.
func testArticle(i int) *sppcrawl.Article { return testarchive.Article(i) }

// seed stores articles [from, to) from 8 goroutines.
func seed(tb testing.TB, db *store.DB, from, to int) { testarchive.Seed(tb, db, from, to) }
