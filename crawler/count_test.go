package crawler_test

import (
	"context"
	"sync/atomic"
	"testing"

	"sppcrawl"
	"sppcrawl/store"
)

// countingArchive is a store whose site's records tell how often a crawl
// read the count of the site's articles.
type countingArchive struct {
	*store.DB
	counts *atomic.Int64
}

func (a countingArchive) ForSite(site sppcrawl.URLs) sppcrawl.CrawlArchive {
	return countingLog{a.DB.ForSite(site), a.counts}
}

type countingLog struct {
	sppcrawl.CrawlArchive
	counts *atomic.Int64
}

func (l countingLog) Count(ctx context.Context) (int, error) {
	l.counts.Add(1)
	return l.CrawlArchive.Count(ctx)
}

// TestRun_CronRunReadsNoCount: the count of the site's articles costs in
// proportion to the archive (a scan of its URLs); a first run on an empty
// archive reads it (to take 30 days), a backfill reads it (its ETA), and a
// cron run after them does not: it stays flat as the archive grows.
func TestRun_CronRunReadsNoCount(t *testing.T) {
	srv := serve(t, sizedSite(60))
	db := countingArchive{openStore(t), new(atomic.Int64)}
	for _, step := range []struct {
		name string
		full bool
		want int64
	}{
		{"first run, empty archive", false, 1},
		{"backfill", true, 1},
		{"cron run", false, 0},
	} {
		db.counts.Store(0)
		cfg := testConfig(srv.URL)
		cfg.Full = step.full
		mustRun(t, cfg, db)
		if got := db.counts.Load(); got != step.want {
			t.Errorf("%s: the site's articles counted %d times, want %d", step.name, got, step.want)
		}
	}
}
