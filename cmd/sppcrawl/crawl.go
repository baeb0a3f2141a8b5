package main

import (
	"cmp"
	"context"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", nil,
	func(c *cli) func(context.Context, *store.DB) error {
		cfg := c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
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
		return func(ctx context.Context, archive *store.DB) error {
			if err := sameSite(ctx, archive, cfg.Site); err != nil {
				return err
			}
			cr, err := newCrawler(cfg, archive)
			if err != nil {
				return err
			}
			sum, err := cr.Run(ctx)
			c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
			c.deliverAfterRun(ctx, archive, &pf, *deliverFor)
			return cmp.Or(err, sum.Err())
		}
	}}
