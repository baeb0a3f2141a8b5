package main

import (
	"context"
	"fmt"
	"strings"

	"sppcrawl/extract"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", writes, nil,
	func(c *cli) func(context.Context) error {
		c.crawlFlags(true)
		return func(ctx context.Context) error {
			if len(c.args) != 0 {
				return usageErr("unexpected arguments %q", c.args)
			}
			archive, err := c.open()
			if err != nil {
				return err
			}
			cr, err := c.crawler(archive)
			if err != nil {
				return err
			}
			sum, err := cr.Run(ctx)
			c.summary(sum.Outcome == "ok", sum.String(), sum)
			return crawlErr(sum, err)
		}
	}}

// crawlErr is a run's error, or what makes a run that ended not ok.
func crawlErr(sum extract.RunSummary, err error) error {
	switch {
	case err != nil:
		return err
	case sum.Failures > 0:
		return fmt.Errorf("%d pages failed; they are retried by the next run (sppcrawl failures lists them)", sum.Failures)
	case len(sum.Warnings) > 0:
		return fmt.Errorf("%d warnings: %s", len(sum.Warnings), strings.Join(sum.Warnings, "; "))
	}
	return nil
}
