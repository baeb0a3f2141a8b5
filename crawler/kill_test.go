package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/crawler"
	"sppcrawl/internal/child"
	"sppcrawl/store"
)

// crawlChild is the child process of the kill tests: a crawl (see
// childRun), stopped by SIGINT as sppcrawl's first signal stops it, exiting
// 130 then.
func crawlChild() int {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	_, err := childRun(ctx)
	switch {
	case errors.Is(err, crawler.ErrInterrupted):
		return 130
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childRun is what `sppcrawl crawl` does in a child process: open the
// archive SPPCRAWL_DB, crawl SPPCRAWL_ORIGIN, close. SPPCRAWL_MODE is the
// run: full (the default), since:DATE, or noop (a plain run);
// SPPCRAWL_DELAY (default 20ms, slow enough to be killed mid-run) and
// SPPCRAWL_PARALLEL (default 4) its pace; SPPCRAWL_MEDIA=all archives the
// articles' files too.
func childRun(ctx context.Context) (sppcrawl.RunSummary, error) {
	db, err := store.Open(os.Getenv("SPPCRAWL_DB"), store.Options{Timeout: 10 * time.Second})
	if err != nil {
		return sppcrawl.RunSummary{}, err
	}
	defer db.Close()
	delay, err := time.ParseDuration(os.Getenv("SPPCRAWL_DELAY"))
	if err != nil {
		delay = 20 * time.Millisecond
	}
	parallel, err := strconv.Atoi(os.Getenv("SPPCRAWL_PARALLEL"))
	if err != nil {
		parallel = 4
	}
	cfg := crawler.Config{Origin: os.Getenv("SPPCRAWL_ORIGIN"), Full: true, Delay: delay, Parallel: parallel,
		RetryBase: time.Millisecond, Timeout: 30 * time.Second, Logger: slog.New(slog.DiscardHandler)}
	if os.Getenv("SPPCRAWL_MEDIA") == "all" {
		cfg.Media = crawler.MediaAll
	}
	switch mode := os.Getenv("SPPCRAWL_MODE"); {
	case mode == "noop":
		cfg.Full = false
	case strings.HasPrefix(mode, "since:"):
		cfg.Full = false
		cfg.Since, _ = sppcrawl.ParseDate(strings.TrimPrefix(mode, "since:"))
	}
	c, err := crawler.New(cfg, db)
	if err != nil {
		return sppcrawl.RunSummary{}, err
	}
	sum, err := c.Run(ctx)
	if err != nil {
		return sum, err
	}
	return sum, db.Close()
}

// TestCrawl_SIGKILL kills a crawling child process at a random moment, then
// a rerun completes the archive without duplicates.
func TestCrawl_SIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s := loadSite(t)
	srv := serve(t, s)
	path := filepath.Join(t.TempDir(), "a.db")
	total := int64(len(siteArticles(s)))
	for i := range 3 {
		// Killed once the site has answered a random share of the articles
		// (an event, not a moment: a fast machine gets no further).
		from := srv.detailRequests.Load()
		p := startChild(t, srv, path)
		awaitDetails(t, srv, from, 1+rand.Int64N(total/4), p)
		p.Process.Signal(syscall.SIGKILL)
		p.wait()
		t.Logf("kill %d: child state %v", i, p.ProcessState)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open after SIGKILL: %v", err)
	}
	defer db.Close()
	n, _ := db.Count(context.Background())
	if n == len(siteArticles(s)) {
		t.Fatalf("every kill came after the crawl had finished (%d stored): the test proves nothing", n)
	}
	cfg := testConfig(srv.URL)
	cfg.Full = true
	mustRun(t, cfg, db)
	checkArchive(t, db, s)
	seqs := map[uint64]bool{}
	db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		if seqs[a.Seq] {
			t.Errorf("seq %d twice", a.Seq)
		}
		seqs[a.Seq] = true
		return nil
	})
}

// crawlProc is a crawl child under way; done is closed once it has ended.
type crawlProc struct {
	*exec.Cmd
	done chan struct{}
}

func (p *crawlProc) wait() { <-p.done }

// startChild starts a crawl child against srv with extra environment.
func startChild(t *testing.T, srv *server, path string, env ...string) *crawlProc {
	t.Helper()
	p := &crawlProc{Cmd: child.Command("crawl", append([]string{"SPPCRAWL_DB=" + path, "SPPCRAWL_ORIGIN=" + srv.URL}, env...)...),
		done: make(chan struct{})}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.Cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.Process.Kill(); p.wait() })
	return p
}

// awaitDetails waits until the server has answered n more article pages
// (counted from from), or the child has ended.
func awaitDetails(t *testing.T, srv *server, from, n int64, p *crawlProc) {
	t.Helper()
	select {
	case <-srv.detailsAnswered(from + n):
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.Process.Kill()
		t.Fatalf("the child fetched %d articles in 30s", srv.detailRequests.Load()-from)
	}
}

// checkWindow asserts that every article of the site's built-in channels
// (of those with the given paths, when any) published on or after since
// (all, for a zero since) is stored exactly once.
func checkWindow(t *testing.T, db *store.DB, s *site, since time.Time, paths ...string) {
	t.Helper()
	ctx := context.Background()
	want := map[string]bool{}
	s.mu.Lock()
	for path, arts := range s.articles {
		if len(paths) > 0 && !slices.Contains(paths, path) || !sites.InTable(sites.Default(), path) {
			continue
		}
		for _, a := range arts {
			if since.IsZero() || !a.date.Before(since) {
				want[fmt.Sprintf("spp-%d", a.id)] = true
			}
		}
	}
	s.mu.Unlock()
	seen := map[string]int{}
	db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		seen[a.ID]++
		return nil
	})
	missing := 0
	for id := range want {
		if seen[id] == 0 {
			missing++
		}
	}
	dups := 0
	for _, n := range seen {
		if n > 1 {
			dups++
		}
	}
	if missing > 0 || dups > 0 {
		t.Errorf("%d of %d articles of the window missing, %d stored twice", missing, len(want), dups)
	}
}

// Backfills killed at random moments, several times, are completed by two
// plain runs: the unfinished walk is resumed, not forgotten.
func TestCrawl_KillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	for _, mode := range []string{"full", "since:2026-06-01"} {
		t.Run(mode, func(t *testing.T) {
			s := loadSite(t)
			srv := serve(t, s)
			srv.latency.Store(int64(2 * time.Millisecond))
			path := filepath.Join(t.TempDir(), "a.db")
			kills := 0
			for range 5 {
				from := srv.detailRequests.Load()
				p := startChild(t, srv, path, "SPPCRAWL_MODE="+mode, "SPPCRAWL_DELAY=4ms", "SPPCRAWL_PARALLEL=2")
				awaitDetails(t, srv, from, int64(1+rand.IntN(40)), p)
				if p.Process.Signal(syscall.SIGKILL) == nil {
					kills++
				}
				p.wait()
			}
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var since time.Time
			if d, ok := strings.CutPrefix(mode, "since:"); ok {
				since, _ = sppcrawl.ParseDate(d)
			}
			if n, _ := db.Count(context.Background()); n >= len(siteArticles(s)) {
				t.Fatalf("%d stored after %d kills: the kills came too late to prove anything", n, kills)
			}
			cfg := testConfig(srv.URL)
			first := mustRun(t, cfg, db)
			if len(first.Resuming) != 0 {
				t.Errorf("the first plain run left walks unfinished: %v", first.Resuming)
			}
			mustRun(t, cfg, db)
			checkWindow(t, db, s, since)
		})
	}
}

// A stop by SIGINT resumes the same way.
func TestCrawl_InterruptResume(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s := loadSite(t)
	srv := serve(t, s)
	srv.latency.Store(int64(2 * time.Millisecond))
	path := filepath.Join(t.TempDir(), "a.db")
	p := startChild(t, srv, path, "SPPCRAWL_DELAY=4ms", "SPPCRAWL_PARALLEL=2")
	awaitDetails(t, srv, 0, 30, p)
	p.Process.Signal(syscall.SIGINT)
	p.wait()
	if code := p.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("child exit %d, want 130", code)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := testConfig(srv.URL)
	mustRun(t, cfg, db)
	mustRun(t, cfg, db)
	checkWindow(t, db, s, time.Time{})
}

// A backfill whose list pages failed leaves its walk to the next runs, which
// say so, resume it and complete the archive.
func TestCrawl_FailedListResume(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/spp/tt/index_2.shtml" || r.URL.Path == "/spp/gjybs/index_3.shtml" {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	db := openStore(t)
	sum, err := runOnce(t, fullConfig(t, srv, ""), db)
	if err != nil || sum.Outcome != "failures" {
		t.Fatalf("run with failing list pages: %v %s", err, sum)
	}
	if got := strings.Join(sum.Resuming, "; "); !strings.Contains(got, "tt: page 2 of 3 (full walk)") || !strings.Contains(got, "gjybs: page 3 of 3 (full walk)") ||
		!strings.Contains(sum.String(), "resuming tt: page 2 of 3") {
		t.Errorf("summary %s: want the unfinished walks named", sum)
	}
	st, _ := db.ChannelState(context.Background(), "/spp/tt/")
	if st.Walk == nil || st.Walk.Next != 2 || st.Walk.Kind != "full" {
		t.Errorf("tt walk in the archive: %+v", st.Walk)
	}
	srv.setFault(nil)
	cfg := testConfig(srv.URL)
	later := time.Now().Add(time.Hour) // the failed list pages are due by then
	cfg.Now = func() time.Time { return later }
	sum = mustRun(t, cfg, db)
	if len(sum.Resuming) != 0 {
		t.Errorf("after the resumed run: %v", sum.Resuming)
	}
	checkArchive(t, db, s)
	if st, _ := db.ChannelState(context.Background(), "/spp/tt/"); st.Walk != nil || st.CompleteURL == "" {
		t.Errorf("tt after completion: walk %+v, complete %q", st.Walk, st.CompleteURL)
	}
}

// A plain run stopped in the middle of more than a page of news leaves no
// hole: the next run trusts an all-stored page only where it reaches down to
// the last complete walk.
func TestCrawl_InterruptedNewsResume(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	mustRun(t, fullConfig(t, srv, "tt"), db)
	for i := range 45 { // a page and a half of news
		s.add("/spp/tt/", 990300+i, fixtureNewest.Add(time.Duration(i+1)*time.Hour))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		// Stop the run once the newest page's articles are stored and page 2
		// is being read: its news are not.
		if strings.Contains(r.URL.Path, "/t20") && n.Add(1) == 31 {
			cancel()
		}
		return false
	})
	cfg := testConfig(srv.URL)
	cfg.Channels, _ = sites.SelectChannels(sites.Default(), "tt")
	c, err := crawler.New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx); !errors.Is(err, crawler.ErrInterrupted) {
		t.Fatalf("run: %v, want interrupted", err)
	}
	if got, _ := db.Count(context.Background()); got >= 70+45 {
		t.Fatalf("%d stored: the stop came too late", got)
	}
	srv.setFault(nil)
	mustRun(t, cfg, db)
	checkWindow(t, db, s, time.Time{}, "/spp/tt/")
}
