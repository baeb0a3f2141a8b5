package postgres_test

import (
	"testing"

	"sppcrawl/internal/testarchive"
)

func TestDB_CountBySite(t *testing.T) {
	testarchive.CheckCountBySite(t, mustOpen(t))
}
