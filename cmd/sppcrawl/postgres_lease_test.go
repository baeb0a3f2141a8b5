package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sppcrawl/internal/pgtest"
)

// askedSite serves the fixture site slowly (so that crawls overlap), and
// records which crawl (by its User-Agent) asked for which path.
type askedSite struct {
	*httptest.Server
	mu      sync.Mutex
	asked   map[string]map[string]int // path → User-Agent → requests
	details map[string]int            // User-Agent → article pages
	// killAt: when a crawl has asked for this many article pages, it is
	// named in killed and reached closes.
	killAt  int
	killed  string
	reached chan struct{}
}

func newAskedSite(t *testing.T, killAt int) *askedSite {
	s := &askedSite{asked: map[string]map[string]int{}, details: map[string]int{}, killAt: killAt, reached: make(chan struct{})}
	files := http.FileServer(http.Dir("../../testdata/site"))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(15 * time.Millisecond) // a slow site: the crawls overlap
		files.ServeHTTP(w, r)
		s.record(r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *askedSite) record(r *http.Request) {
	ua := r.UserAgent()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.asked[r.URL.Path] == nil {
		s.asked[r.URL.Path] = map[string]int{}
	}
	s.asked[r.URL.Path][ua]++
	if strings.Contains(r.URL.Path, "/t20") {
		s.details[ua]++
		if s.killed == "" && s.details[ua] == s.killAt {
			s.killed = ua
			close(s.reached)
		}
	}
}

// listWalkers is, per channel folder, the crawls that asked for its list
// pages.
func (s *askedSite) listWalkers() map[string]map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]bool{}
	for p, by := range s.asked {
		base := path.Base(p)
		if !strings.HasPrefix(base, "index") || p == "/spp/index.shtml" {
			continue // the homepage and robots.txt: every crawl reads them
		}
		dir := path.Dir(p)
		if out[dir] == nil {
			out[dir] = map[string]bool{}
		}
		for ua := range by {
			out[dir][ua] = true
		}
	}
	return out
}

// startLeasedCrawl starts a crawl child of the whole site into dsn, as
// User-Agent ua, with leases of lease.
func startLeasedCrawl(t *testing.T, dsn, origin, ua, lease string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := sppcrawlChild("crawl", "--db", dsn, "--origin", origin, "--full", "--delay", "0", "--parallel", "2",
		"--lease", lease, "--user-agent", ua, "--log-level", "warn", "--deliver-for", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &stderr
}

// exportedOnce exports dsn and checks that every article of the fixture
// site is in it exactly once.
func exportedOnce(t *testing.T, dsn string) {
	t.Helper()
	ids := idLines(exportOf(t, dsn, "jsonl"))
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("article %s exported twice", id)
		}
		seen[id] = true
	}
	if len(seen) != fixtureArticles {
		t.Errorf("%d articles exported, want the fixture site's %d", len(seen), fixtureArticles)
	}
}

// TestCLI_PostgresLeases_TwoCrawls: two crawl processes at once on one
// database split the site by channel, evenly: no channel's list pages are
// walked by both, each walks a share of them, and together they store
// every article once.
func TestCLI_PostgresLeases_TwoCrawls(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the database's search index, the children's too
	site := newAskedSite(t, 0)
	a, aErr := startLeasedCrawl(t, dsn, site.URL, "crawl-a", "5s")
	b, bErr := startLeasedCrawl(t, dsn, site.URL, "crawl-b", "5s")
	for i, cmd := range []*exec.Cmd{a, b} {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("crawl %d: %v\n%s", i, err, []*bytes.Buffer{aErr, bErr}[i])
		}
	}
	walkers := site.listWalkers()
	if len(walkers) < 10 {
		t.Fatalf("list pages of %d channels asked for, want the fixture site's", len(walkers))
	}
	by := map[string]int{}
	for dir, uas := range walkers {
		if len(uas) != 1 {
			t.Errorf("channel %s walked by %d crawls (%v), want 1", dir, len(uas), uas)
		}
		for ua := range uas {
			by[ua]++
		}
	}
	t.Logf("channels walked: %v", by)
	// Each takes the next free channel when it is ready for it: neither
	// takes them all, whichever asks first (taken up front, one took all
	// 17). Runs split 9/8 to 6/11; a fifth is the floor asked, as the
	// second process may start a good while after the first on a loaded
	// machine (-race).
	for _, ua := range []string{"crawl-a", "crawl-b"} {
		if got, least := by[ua], len(walkers)/5; got < least {
			t.Errorf("%s walked %d of the %d channels, want at least a fifth (%d)", ua, got, len(walkers), least)
		}
	}
	exportedOnce(t, dsn)
}

// TestCLI_PostgresLeases_Kill: of two crawls at once, one SIGKILLed
// mid-way; its leases run out, and the other crawl or the plain run after
// it resumes its walks: every article is stored, once.
func TestCLI_PostgresLeases_Kill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	site := newAskedSite(t, 40)
	a, aErr := startLeasedCrawl(t, dsn, site.URL, "crawl-a", "1s")
	b, bErr := startLeasedCrawl(t, dsn, site.URL, "crawl-b", "1s")
	select {
	case <-site.reached:
	case <-time.After(60 * time.Second):
		t.Fatal("no crawl fetched 40 articles in 60s")
	}
	// The crawl that walks kills, the other lives.
	kill, live, liveErr := b, a, aErr
	if site.killed == "crawl-a" {
		kill, live, liveErr = a, b, bErr
	}
	kill.Process.Signal(syscall.SIGKILL)
	kill.Wait()
	if err := live.Wait(); err != nil {
		t.Fatalf("the crawl not killed: %v\n%s", err, liveErr)
	}
	if code := run([]string{"crawl", "--db", dsn, "--origin", siteServer(t).URL, "--delay", "0", "--log-level", "error", "--lease", "1s"}); code != exitOK {
		t.Fatalf("plain crawl after the kill: exit %d", code)
	}
	exportedOnce(t, dsn)
}
