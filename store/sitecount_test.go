package store_test

import (
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

func TestDB_CountBySite(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	testarchive.CheckCountBySite(t, db)
}
