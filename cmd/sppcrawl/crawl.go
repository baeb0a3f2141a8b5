package main

import (
	"cmp"
	"context"

	"sppcrawl"
	"sppcrawl/store"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", nil,
	func(c *cli) func(context.Context, *store.DB) error {
		cfg := c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
		c.uses(creates)
		c.indexes = true
		c.check(func() error {
			if len(c.args) != 0 {
				return usageErr("unexpected arguments %q", c.args)
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			cr, err := newCrawler(cfg, archive)
			if err != nil {
				return err
			}
			sum, err := cr.Run(ctx)
			c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
			return cmp.Or(err, sum.Err())
		}
	}}
