package main

import (
	"cmp"
	"context"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn (or the sites --site names) into the archive (the cron job)", "[flags]", nil,
	func(c *cli) func(context.Context, sppcrawl.Archive) error {
		cfg := c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
		c.crawl.manySites = true
		var pf pushFlags
		pf.register(c.fs)
		deliverFor := c.fs.Duration("deliver-for", 30*time.Second, "after the run, deliver to the subscriptions what is due, for at most this long (0: leave it to sppcrawl deliver)")
		c.uses(creates)
		c.indexes = true
		c.check(func() error {
			if len(c.args) != 0 {
				return usageErr("unexpected arguments %q", c.args)
			}
			return nil
		})
		return func(ctx context.Context, archive sppcrawl.Archive) error {
			if len(c.crawl.group) > 1 {
				return c.crawlSites(ctx, archive, &pf, *deliverFor)
			}
			if err := learnSite(ctx, archive, cfg.Site); err != nil {
				return err
			}
			// Until the archive closes: the index's catch-up at the
			// crawl's end runs under the limit too.
			restore := limitMemory(cfg.Parallel)
			c.closers = append(c.closers, func() error { restore(); return nil })
			cr, err := c.newCrawler(cfg, archive)
			if err != nil {
				return err
			}
			stopTrail := c.trailIndex(ctx, archive)
			sum, err := cr.Run(ctx)
			stopTrail()
			c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
			c.deliverAfterRun(ctx, archive, &pf, *deliverFor)
			return cmp.Or(err, sum.Err())
		}
	}}

// crawlSites crawls the sites of --site's list at once, each at its own
// pace, saying as each ends how its run went; the summary line is the
// run's over them all.
func (c *cli) crawlSites(ctx context.Context, archive sppcrawl.Archive, pf *pushFlags, deliverFor time.Duration) error {
	parallel := 0
	for _, cfg := range c.crawl.group {
		if err := learnSite(ctx, archive, cfg.Site); err != nil {
			return err
		}
		parallel += cfg.Parallel
	}
	restore := limitMemory(parallel)
	c.closers = append(c.closers, func() error { restore(); return nil })
	g, err := crawler.NewGroup(c.crawl.group, archive)
	if err != nil {
		return err
	}
	g.SiteDone = func(s sppcrawl.Site, sum sppcrawl.RunSummary, err error) {
		level := slog.LevelInfo
		if sum.Outcome != sppcrawl.RunOK {
			level = slog.LevelWarn // why is the run's error, said once at its end
		}
		c.log.Log(ctx, level, s.Key()+": "+sum.String(), "site", s.Host())
	}
	stopTrail := c.trailIndex(ctx, archive)
	sum, err := g.Run(ctx)
	stopTrail()
	c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
	c.deliverAfterRun(ctx, archive, pf, deliverFor)
	return cmp.Or(err, sum.Err())
}

// limitMemory sets Go's soft memory limit for a crawl of parallel requests
// in flight, unless GOMEMLIMIT does: what a crawl holds live (the pages in
// flight and queued, the batch being indexed) is bounded by its settings,
// but Go lets the heap grow to twice what is live between collections,
// which was a third of a full crawl's peak RSS. The limit makes it collect
// sooner instead, at a few percent of CPU; it is soft, so a crawl that
// needs more still gets it. The returned func puts back the limit before
// (the process may go on: the tests run commands in theirs).
func limitMemory(parallel int) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	before := debug.SetMemoryLimit(crawlMemoryLimit(parallel))
	return func() { debug.SetMemoryLimit(before) }
}

// crawlMemoryLimit is the soft limit of a crawl: 40 MiB at the default 2
// requests in flight.
func crawlMemoryLimit(parallel int) int64 { return (32 + 4*int64(parallel)) << 20 }
