package crawler_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// backend opens a new, empty archive of one kind, and says the bytes it
// takes.
type backend struct {
	name string
	open func(tb testing.TB) (a sppcrawl.Archive, size func() int64)
}

var backends = []backend{
	{"bbolt", func(b testing.TB) (sppcrawl.Archive, func() int64) {
		path := filepath.Join(b.TempDir(), "a.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db, func() int64 { return fileSize(path) + dirSize(path+".media") }
	}},
	{"postgres", func(b testing.TB) (sppcrawl.Archive, func() int64) {
		db, err := postgres.Open(context.Background(), pgtest.NewDatabase(b), postgres.WithMediaCache(b.TempDir()))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db, func() int64 {
			n, err := db.Size(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}},
}

// BenchmarkBackends sets the archive's two backends side by side, on a
// site of SPPCRAWL_BENCH_SIZE real-sized articles (default 2,000) served
// from memory, crawled at --delay 0 --parallel 4 in this process:
//
//	full  a --full crawl into a new archive: articles/s, wall, requests,
//	      archive bytes per article (bbolt: the file and its media folder;
//	      PostgreSQL: the tables with their indexes and TOAST)
//	noop  the cron run that follows, nothing new (no rechecks, no media):
//	      wall, and requests, whose minimum is robots.txt and each
//	      channel's page 1 answered 304
//	api   /api/articles?limit=100 at random cursors, 8 clients, gzip:
//	      req/s, p50, p99
//
// Run: SPPCRAWL_TEST_POSTGRES=postgres://… go test ./crawler -run '^$'
// -bench Backends -benchtime 1x (PostgreSQL skips without it).
func BenchmarkBackends(b *testing.B) {
	n := 2000
	if env := os.Getenv("SPPCRAWL_BENCH_SIZE"); env != "" {
		var err error
		if n, err = strconv.Atoi(env); err != nil {
			b.Fatalf("SPPCRAWL_BENCH_SIZE: %v", err)
		}
	}
	srv := serve(b, realSizedSite(n))
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchBackend(b, be, srv.URL, n) })
	}
}

func benchBackend(b *testing.B, be backend, origin string, n int) {
	parent := b // the archives outlive the full crawl: noop and api use the last
	var db sppcrawl.Archive
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			var size func() int64
			db, size = be.open(parent)
			cfg := testConfig(origin)
			cfg.Full, cfg.Media = true, crawler.MediaAll
			sum := mustRun(b, cfg, db)
			if sum.Created+sum.Aliased < n {
				b.Fatalf("full crawl stored %d of %d articles", sum.Created+sum.Aliased, n)
			}
			wall := sum.Finished.Sub(sum.Started).Seconds()
			b.ReportMetric(float64(sum.Created+sum.Aliased)/wall, "articles/s")
			b.ReportMetric(wall, "wall-s")
			b.ReportMetric(float64(sum.Requests), "requests")
			b.ReportMetric(float64(size())/float64(sum.Created)/1024, "KB/article")
		}
	})
	if db == nil {
		b.Skip("no archive: the full crawl did not run")
	}
	b.Run("noop", func(b *testing.B) {
		for b.Loop() {
			cfg := testConfig(origin)
			cfg.Media = crawler.MediaAll
			sum := mustRun(b, cfg, db)
			if sum.Created != 0 {
				b.Fatalf("a run with nothing new stored %d", sum.Created)
			}
			b.ReportMetric(sum.Finished.Sub(sum.Started).Seconds(), "wall-s")
			b.ReportMetric(float64(sum.Requests), "requests")
		}
	})
	api := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer api.Close()
	b.Run("api", func(b *testing.B) { loadAPI(b, api.URL, n, true) })
}

// fileSize is a file's bytes, 0 when it is not there.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n += fileSize(p)
		}
		return nil
	})
	return n
}
