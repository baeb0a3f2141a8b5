package postgres_test

import (
	"testing"

	"sppcrawl"
	"sppcrawl/internal/archivetest"
	"sppcrawl/postgres"
)

var _ sppcrawl.Archive = (*postgres.DB)(nil)

// TestArchiveContract runs the archive's contract, the same tests the
// bbolt store passes, against PostgreSQL.
func TestArchiveContract(t *testing.T) {
	archivetest.RunArchiveTests(t, func(t *testing.T) sppcrawl.Archive { return mustOpen(t) })
}
