package search_test

import (
	"path/filepath"
	"testing"

	"sppcrawl/search"
)

type fileArchive string

func (f fileArchive) Path() string { return string(f) }

type dbArchive string

func (d dbArchive) Name() string { return string(d) }

// An archive file's index lies beside it; a database's in the user's cache
// directory, under a name made of the database's (its password never in it:
// Name has none), one file a database.
func TestDefaultPath(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	for _, c := range []struct {
		archive any
		want    string
	}{
		{fileArchive("/srv/spp.db"), "/srv/spp.db.search"},
		{dbArchive("postgres://crawler@db.example:5432/spp?sslmode=require"), filepath.Join(cache, "sppcrawl", "crawler_db.example_5432_spp_sslmode_require.search")},
		{struct{}{}, filepath.Join(cache, "sppcrawl", "archive.search")},
	} {
		if got, err := search.DefaultPath(c.archive); err != nil || got != c.want {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", c.archive, got, err, c.want)
		}
	}
}
