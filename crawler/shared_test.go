package crawler_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
	"sppcrawl/sites"
)

// TestRun_PaceSharedByProcesses: two crawls at once on one PostgreSQL
// archive, walking different channels of one host, keep the host's pace
// together (their starts booked through the database): n requests span at
// least n-1 gaps, where each crawl pacing alone would send twice as fast.
// A bound from below only: a slow machine cannot fail it.
func TestRun_PaceSharedByProcesses(t *testing.T) {
	sizes := map[string]int{} // as many requests for each crawl
	for _, ch := range sites.Default().Channels() {
		sizes[ch.Path] = 3
	}
	srv := serve(t, newSite(sizes, fixtureNewest))
	var mu sync.Mutex
	var arrived []time.Time
	srv.setFault(func(_ http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/robots.txt" { // read before the pace starts
			mu.Lock()
			arrived = append(arrived, time.Now())
			mu.Unlock()
		}
		return false
	})
	dsn := pgtest.NewDatabase(t)
	chans := sites.Default().Channels()
	var wg sync.WaitGroup
	for i, part := range [][]sppcrawl.Channel{chans[:len(chans)/2], chans[len(chans)/2:]} {
		db, err := postgres.Open(context.Background(), dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cfg := testConfig(srv.URL)
		cfg.Full, cfg.Channels, cfg.Delay, cfg.Parallel = true, part, 100*time.Millisecond, 2
		wg.Go(func() {
			if _, err := runOnce(t, cfg, db); err != nil {
				t.Errorf("crawl %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	slices.SortFunc(arrived, time.Time.Compare)
	t.Logf("%d requests in %v", len(arrived), arrived[len(arrived)-1].Sub(arrived[0]))
	n := len(arrived)
	gap := 100 * time.Millisecond / 2 // the delay over the requests in flight
	// Arrivals may bunch by a little against their booked starts (the
	// network, the scheduler): a slack of a few gaps.
	if span, want := arrived[n-1].Sub(arrived[0]), time.Duration(n-1)*gap-5*gap; n < 40 || span < want {
		t.Errorf("%d requests in %v; at the shared pace they take at least %v", n, span, want)
	}
}

// TestRun_RechecksOnceAcrossProcesses: two crawls at once on one
// PostgreSQL archive, walking different channels, re-verify the stored
// articles due once between them: the phase is one process's (its lease),
// never the same articles asked for twice.
func TestRun_RechecksOnceAcrossProcesses(t *testing.T) {
	srv := serve(t, sizedSite(40))
	dsn := pgtest.NewDatabase(t)
	var dbs []*postgres.DB
	for range 2 {
		db, err := postgres.Open(context.Background(), dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	full := testConfig(srv.URL)
	full.Full = true
	mustRun(t, full, dbs[0])
	srv.resetHits()
	chans := sites.Default().Channels()
	var wg sync.WaitGroup
	for i, part := range [][]sppcrawl.Channel{chans[:len(chans)/2], chans[len(chans)/2:]} {
		cfg := testConfig(srv.URL)
		cfg.Channels, cfg.Recheck = part, 10
		wg.Go(func() { mustRun(t, cfg, dbs[i]) })
	}
	wg.Wait()
	rechecked := 0
	for p, n := range srv.detailHits() {
		rechecked += n
		if n > 1 {
			t.Errorf("%s asked for %d times, want once", p, n)
		}
	}
	if rechecked < 10 {
		t.Errorf("%d articles re-verified, want at least the 10 of one run", rechecked)
	}
}
