package crawler_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
	"sppcrawl/publish"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// BenchmarkNoopAtScale measures the cron run with nothing new, and the pull
// API, on both backends as the archive grows, per size in
// SPPCRAWL_BENCH_SIZES (default 2000,100000) of real-sized articles served
// from memory (realSizedSite). The archive is built once per size: a --full
// crawl into a bbolt file (kept in SPPCRAWL_BENCH_DIR when set), then
// copied into a new PostgreSQL database with the archive's own CopyFrom
// (one transaction, seqs kept), so both hold the same articles, states and
// media. Then, on each backend:
//
//	noop  a cron run with nothing new (media due looked at, no rechecks):
//	      requests (the physical minimum is robots.txt and each channel's
//	      page 1, answered 304: anything more fails the benchmark), wall,
//	      and the CPU of this process (the crawl and the site it asks;
//	      PostgreSQL's own server processes are not in it)
//	api   /api/articles?limit=100 at random cursors, 8 clients, gzip:
//	      req/s, p50, p99
//
// Run: SPPCRAWL_TEST_POSTGRES=postgres://… go test ./crawler -run '^$'
// -bench NoopAtScale -benchtime 3x -timeout 2h (the first build of 10⁵
// articles takes minutes; PostgreSQL skips without the variable).
func BenchmarkNoopAtScale(b *testing.B) {
	for _, n := range benchSizes(b, 2000, 100000) {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchNoopAt(b, n) })
	}
}

func benchNoopAt(b *testing.B, n int) {
	srv := serve(b, realSizedSite(n))
	bolt := scaleArchive(b, srv.URL, n)
	b.Run("bbolt", func(b *testing.B) { benchNoopOn(b, bolt, srv.URL, n) })
	if os.Getenv("SPPCRAWL_TEST_POSTGRES") == "" {
		b.Skip("SPPCRAWL_TEST_POSTGRES is not set: PostgreSQL not measured")
	}
	pg, err := postgres.Open(context.Background(), pgtest.NewDatabase(b), postgres.WithMediaCache(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	start := time.Now()
	if _, err := pg.CopyFrom(context.Background(), bolt); err != nil {
		b.Fatalf("copy %d articles into PostgreSQL: %v", n, err)
	}
	b.Logf("%d articles copied into PostgreSQL in %v", n, time.Since(start).Round(time.Second))
	b.Run("postgres", func(b *testing.B) { benchNoopOn(b, pg, srv.URL, n) })
}

// scaleArchive is a bbolt archive of the site at origin crawled whole: the
// file kept in SPPCRAWL_BENCH_DIR when it is there, else crawled now.
func scaleArchive(b *testing.B, origin string, n int) *store.DB {
	dir := os.Getenv("SPPCRAWL_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("noop-%d.db", n))
	_, err := os.Stat(path)
	built := err == nil
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if built {
		return db
	}
	cfg := testConfig(origin)
	cfg.Full, cfg.Media = true, crawler.MediaAll
	start := time.Now()
	sum := mustRun(b, cfg, db)
	if sum.Created+sum.Aliased < n {
		b.Fatalf("full crawl stored %d of %d articles", sum.Created+sum.Aliased, n)
	}
	b.Logf("%d articles crawled into bbolt in %v", n, time.Since(start).Round(time.Second))
	return db
}

func benchNoopOn(b *testing.B, db sppcrawl.Archive, origin string, n int) {
	minimum := 1 + len(sites.Default().Channels()) // robots.txt, each channel's page 1
	b.Run("noop", func(b *testing.B) {
		for b.Loop() {
			cpu0 := cpuTime(b)
			cfg := testConfig(origin)
			cfg.Media = crawler.MediaAll
			sum := mustRun(b, cfg, db)
			cpu := cpuTime(b) - cpu0
			if sum.Created != 0 || sum.Requests != minimum {
				b.Fatalf("a run with nothing new: %d requests, %d stored; want %d requests, none stored", sum.Requests, sum.Created, minimum)
			}
			b.ReportMetric(sum.Finished.Sub(sum.Started).Seconds()*1000, "wall-ms")
			b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu-ms")
			b.ReportMetric(float64(sum.Requests), "requests")
		}
	})
	api := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer api.Close()
	b.Run("api", func(b *testing.B) { loadAPI(b, api.URL, n, true) })
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
