package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var failuresCmd = command{"failures", "list the failure log (--gone: pages gone); --reset makes URLs due again",
	"[--gone] [--format text|json] | --reset URL... | --reset --all", reads, []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		gone := c.fs.Bool("gone", false, "list the pages found gone (not retried) instead of those retried")
		reset := c.fs.Bool("reset", false, "make the URLs given (or --all) due for a retry by the next crawl, gone ones too")
		all := c.fs.Bool("all", false, "with --reset: every URL of the failure log")
		c.check(func() (err error) {
			switch {
			case *reset && (*all == (len(c.args) > 0)):
				return usageErr("--reset wants URLs or --all, not both")
			case !*reset && (*all || len(c.args) > 0):
				return usageErr("URLs and --all go with --reset")
			case *reset:
				c.archive = writes
			}
			for i, u := range c.args {
				if c.args[i], err = extract.CanonicalURL(u); err != nil {
					return err
				}
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			if *reset {
				n, err := archive.ResetFailures(ctx, c.args, *all)
				c.summary(err == nil, fmt.Sprintf("failures: %d URLs due for a retry by the next crawl", n), map[string]int{"reset": n})
				return err
			}
			fails, err := archive.Failures(ctx, false, time.Now())
			if err != nil {
				return err
			}
			shown := append([]extract.Failure{}, slices.DeleteFunc(fails, func(f extract.Failure) bool { return f.Gone != *gone })...)
			return c.print(shown, func(w io.Writer) error { return publish.WriteFailures(w, shown) })
		}
	}}
