package search

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultPath is the search index's file: beside an archive file; for a
// database, in the user's cache directory, named after the database (each
// process keeps its own, caught up from the shared seq log).
func DefaultPath(archive any) (string, error) {
	if p, ok := archive.(interface{ Path() string }); ok {
		return PathFor(p.Path()), nil
	}
	name := "archive"
	if n, ok := archive.(interface{ Name() string }); ok {
		name = n.Name()
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("search index of %s: %w", name, err)
	}
	dir = filepath.Join(dir, "sppcrawl")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("search index of %s: %w", name, err)
	}
	return filepath.Join(dir, indexFileName(name)), nil
}

// indexFileName is a database's name as a file name: every character
// but letters, digits, dot and hyphen becomes an underscore.
func indexFileName(name string) string {
	if _, after, ok := strings.Cut(name, "://"); ok {
		name = after
	}
	safe := strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, name)
	return PathFor(safe)
}
