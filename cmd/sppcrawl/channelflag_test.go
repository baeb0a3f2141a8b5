package main

import (
	"os"
	"path/filepath"
	"testing"

	"sppcrawl/store"
)

// --channels names keys the archive's site map knows once it is open,
// without a second open of the archive while the flags are checked: a
// held archive is the lock's exit status, and a list that does not
// resolve creates no archive.
func TestCLI_ChannelsOfTheSiteMap(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	base := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--max-pages", "1", "--media", "none", "--quiet"}
	if code := run(append(base, "--channels", "dfjcdt")); code != exitUsage {
		t.Errorf("a discovered key before any crawl: exit %d, want %d", code, exitUsage)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a list that does not resolve created the archive: %v", err)
	}
	if code := run(base); code != exitOK { // reads the navigation
		t.Fatalf("crawl: exit %d", code)
	}
	if code := run(append(base, "--channels", "dfjcdt,zdgz")); code != exitOK {
		t.Errorf("discovered keys: exit %d, want 0", code)
	}
	if code := run(append(base, "--channels", "dfjcdt,nope")); code != exitUsage {
		t.Errorf("a key nobody knows: exit %d, want %d", code, exitUsage)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if code := run(append(base, "--channels", "dfjcdt", "--lock-timeout", "100ms")); code != exitLocked {
		t.Errorf("discovered keys on a held archive: exit %d, want %d (locked)", code, exitLocked)
	}
}
