package main

import (
	"cmp"
	"context"
	"sppcrawl/store"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", writes, nil,
	func(c *cli) func(context.Context, *store.DB) error {
		c.crawlFlags(true)
		c.check(func() error {
			if len(c.args) != 0 {
				return usageErr("unexpected arguments %q", c.args)
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			cr, err := c.crawler(archive)
			if err != nil {
				return err
			}
			sum, err := cr.Run(ctx)
			c.summary(sum.Outcome == "ok", sum.String(), sum)
			return cmp.Or(err, sum.Err())
		}
	}}
