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

	"sppcrawl/crawler"
	"sppcrawl/store"
)

// crawlChild is the child process of the kill tests: a crawl (see
// childRun), stopped by SIGINT as sppcrawl's first signal stops it, exiting
// 130 then.
func crawlChild() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	_, err := childRun(ctx)
	switch {
	case errors.Is(err, crawler.ErrInterrupted):
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// childRun is what `sppcrawl crawl` does in a child process: open the
// archive SPPCRAWL_DB, crawl SPPCRAWL_ORIGIN, close. SPPCRAWL_MODE is the
// run: full (the default), since:DATE, or noop (a plain run);
// SPPCRAWL_DELAY (default 20ms, slow enough to be killed mid-run) and
// SPPCRAWL_PARALLEL (default 4) its pace.
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
	for i := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SPPCRAWL_CRAWL_CHILD=1", "SPPCRAWL_DB="+path, "SPPCRAWL_ORIGIN="+srv.URL)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rand.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("kill %d: child state %v", i, cmd.ProcessState)
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

// startChild starts a crawl child against srv with extra environment.
func startChild(t *testing.T, srv *server, path string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "SPPCRAWL_CRAWL_CHILD=1", "SPPCRAWL_DB="+path, "SPPCRAWL_ORIGIN="+srv.URL), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// awaitDetails waits until the server has answered n more article pages.
func awaitDetails(t *testing.T, srv *server, from, n int64, cmd *exec.Cmd) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for srv.detailRequests.Load() < from+n {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the child fetched %d articles in 30s", srv.detailRequests.Load()-from)
		}
		if cmd.ProcessState != nil {
			return
		}
		time.Sleep(time.Millisecond) // polls a counter the server moves; nothing to await
	}
}

// checkWindow asserts that every article of the site (of the channels with
// the given paths, when any) published on or after since (all, for a zero
// since) is stored exactly once.
func checkWindow(t *testing.T, db *store.DB, s *site, since time.Time, paths ...string) {
	t.Helper()
	ctx := context.Background()
	want := map[string]bool{}
	s.mu.Lock()
	for path, arts := range s.articles {
		if len(paths) > 0 && !slices.Contains(paths, path) {
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
				cmd := startChild(t, srv, path, "SPPCRAWL_MODE="+mode, "SPPCRAWL_DELAY=4ms", "SPPCRAWL_PARALLEL=2")
				awaitDetails(t, srv, from, int64(1+rand.IntN(40)), cmd)
				if cmd.Process.Signal(syscall.SIGKILL) == nil {
					kills++
				}
				cmd.Wait()
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
	cmd := startChild(t, srv, path, "SPPCRAWL_DELAY=4ms", "SPPCRAWL_PARALLEL=2")
	awaitDetails(t, srv, 0, 30, cmd)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
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
	cfg.Channels, _ = sppcrawl.SelectChannels("tt")
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
