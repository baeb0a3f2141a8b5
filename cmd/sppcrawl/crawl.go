package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"sppcrawl/crawler"
	"sppcrawl/extract"
)

var crawlCmd = command{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", "[flags]", writes, nil,
	func(c *cli) func(context.Context) error {
		var cf crawler.Flags
		cf.Register(c.fs, true)
		return func(ctx context.Context) error {
			if len(c.args) != 0 {
				return usageErr("unexpected arguments %q", c.args)
			}
			if c.progress() {
				cf.Progress = os.Stderr
			}
			cfg, err := crawlConfig(&cf, c.log)
			if err != nil {
				return err
			}
			archive, err := c.open()
			if err != nil {
				return err
			}
			cr, err := newCrawler(cfg, archive)
			if err != nil {
				return err
			}
			sum, err := cr.Run(ctx)
			c.summary(sum.Outcome == "ok", sum.String(), sum)
			return crawlExit(sum, err)
		}
	}}

// crawlExit maps a run's result to the documented exit codes.
func crawlExit(sum extract.RunSummary, err error) error {
	switch {
	case errors.Is(err, crawler.ErrBlocked):
		return withCode(exitBlocked, err)
	case errors.Is(err, crawler.ErrInterrupted):
		return withCode(exitSignal, err)
	case err != nil:
		return err
	case sum.Failures > 0:
		return fmt.Errorf("%d pages failed; they are retried by the next run (sppcrawl failures lists them)", sum.Failures)
	case len(sum.Warnings) > 0:
		return fmt.Errorf("%d warnings: %s", len(sum.Warnings), strings.Join(sum.Warnings, "; "))
	}
	return nil
}
