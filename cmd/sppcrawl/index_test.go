package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// A crawl indexes what it stores as it goes, when trailLag records are
// new, not all at its end, from what it hands over; the index it leaves is
// complete and searches equal the scan.
func TestCLI_CrawlIndexesAsItGoes(t *testing.T) {
	defer func(n int) { trailLag = n }(trailLag)
	trailLag = 50
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "trail.db")
	var code int
	logs := stderrOf(&code, []string{"crawl", "--db", path, "--origin", site.URL, "--full", "--delay", "0",
		"--media", "none", "--log-level", "debug"})
	if code != exitOK {
		t.Fatalf("crawl: exit %d\n%s", code, logs)
	}
	during, _, ok := strings.Cut(logs, "search index: catching up with the archive")
	if !ok {
		t.Fatalf("no catch-up at the crawl's end\n%s", logs)
	}
	// How many depends on the pace: a catch-up takes all that is behind.
	if n := strings.Count(during, "articles indexed"); n == 0 {
		t.Errorf("no catch-up during the crawl of %d articles, want one when %d records are new", fixtureArticles, trailLag)
	}
	// The crawl hands over what it stored: not all read back.
	if !strings.Contains(during, "as handed over, not read back") {
		t.Errorf("the catch-ups during the crawl read back all they indexed\n%s", during)
	}
	if behind := indexBehind(t, path); behind != 0 {
		t.Errorf("the index is %d behind after the crawl", behind)
	}
	arts := exported(t, path)
	for _, q := range []string{"罪", "检察", "高检发释字〔2026〕1号"} {
		got, want := sorted(searchIDs(t, path, q)), sorted(oracle(t, arts, q, nil))
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%q: %d results, the scan finds %d", q, len(got), len(want))
		}
	}
}

// A crawl runs under Go's soft memory limit set by its requests in flight,
// unless GOMEMLIMIT names one, and puts back the limit before when it ends.
func TestCLI_CrawlMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	files := siteServer(t)
	var during atomic.Int64 // the limit as the site saw it, while the crawl fetched
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		during.Store(debug.SetMemoryLimit(-1))
		files.Config.Handler.ServeHTTP(w, r)
	}))
	defer site.Close()
	const before = 1 << 40
	crawl := func(env string) int64 {
		t.Setenv("GOMEMLIMIT", env)
		debug.SetMemoryLimit(before)
		if code := run([]string{"crawl", "--db", filepath.Join(t.TempDir(), "a.db"), "--origin", site.URL, "--delay", "0",
			"--parallel", "3", "--channels", "/spp/zdgz/", "--max-pages", "1", "--media", "none", "--quiet"}); code != exitOK {
			t.Fatalf("crawl: exit %d", code)
		}
		if after := debug.SetMemoryLimit(-1); after != before {
			t.Errorf("GOMEMLIMIT=%q: limit %d after the crawl, want %d as before", env, after, int64(before))
		}
		return during.Load()
	}
	if got, want := crawl(""), int64(44<<20); got != want {
		t.Errorf("limit %d during the crawl, want %d", got, want)
	}
	if got := crawl("1GiB"); got != before {
		t.Errorf("limit %d during the crawl with GOMEMLIMIT set, want it left alone", got)
	}
}
