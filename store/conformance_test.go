package store_test

import (
	"path/filepath"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/archivetest"
	"sppcrawl/store"
)

// The bbolt store keeps the archive's contract.
func TestConformance(t *testing.T) {
	archivetest.RunArchiveTests(t, func(t *testing.T) sppcrawl.Archive {
		return MustOpen(t, filepath.Join(t.TempDir(), "a.db"), store.Options{})
	})
}
