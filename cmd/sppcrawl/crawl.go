package main

import (
	"cmp"
	"context"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
)

// CrawlCommand is `sppcrawl crawl`: fetch what is new on www.spp.gov.cn into the archive (the cron job).
type CrawlCommand struct{ streams }

var crawlInfo = commandInfo{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", nil}

// Run parses args as the command line of crawl and does its work.
func (cmd *CrawlCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(crawlInfo, cmd.streams)
	cfg := c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
	var pf pushFlags
	pf.register(c.fs)
	deliverFor := c.fs.Duration("deliver-for", 30*time.Second, "after the run, deliver to the subscriptions what is due, for at most this long (0: leave it to sppcrawl deliver)")
	c.uses(sppcrawl.OpenCreates)
	c.indexes = true
	c.check(func() error {
		if len(c.args) != 0 {
			return usageErr("unexpected arguments %q", c.args)
		}
		return nil
	})
	return c.run(ctx, args, func(ctx context.Context, archive sppcrawl.Archive) error {
		if err := sameSite(ctx, archive, cfg.Site); err != nil {
			return err
		}
		// Until the archive closes: the index's catch-up at the
		// crawl's end runs under the limit too.
		restore := crawler.LimitMemory(cfg.Parallel)
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
	})
}
