package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
)

var fetchCmd = command{"fetch", "fetch, extract and store one or more article URLs now",
	"[--dry-run] [--diff] [flags] URL... (- reads URLs from stdin, one a line; flags may follow the URLs)", writes, nil,
	func(c *cli) func(context.Context) error {
		dryRun := c.fs.Bool("dry-run", false, "fetch and extract, report what would change, store nothing")
		diff := c.fs.Bool("diff", false, "show a field-by-field diff against the stored version")
		asJSON := c.fs.Bool("json", false, "print the extracted article as JSON as well")
		var cf crawler.Flags
		cf.Register(c.fs, false)
		return func(ctx context.Context) error {
			if len(c.args) == 0 {
				return usageErr("want at least one URL (sppcrawl fetch --help)")
			}
			// Off-site URLs on the command line are refused before anything
			// is opened or requested; a bad line of a list fails alone.
			for _, u := range c.args {
				if _, err := extract.CanonicalURL(u); err != nil && u != "-" {
					return withCode(exitUsage, err)
				}
			}
			cfg, err := crawlConfig(&cf, c.log)
			if err != nil {
				return err
			}
			var sink crawler.Sink
			if _, err := os.Stat(c.db); !*dryRun || err == nil { // a dry run creates no archive
				if *dryRun {
					c.archive = reads
				}
				if sink, err = c.open(); err != nil {
					return err
				}
			}
			cr, err := newCrawler(cfg, sink)
			if err != nil {
				return err
			}
			failed, total := 0, 0
			for _, a := range c.args {
				urls := extract.URLLines(strings.NewReader(a))
				if a == "-" {
					urls = extract.URLLines(os.Stdin)
				}
				f, t, err := cr.FetchAll(ctx, urls, *dryRun, func(u string, f *extract.Fetched, err error) error {
					if err == nil {
						err = publish.WriteFetched(os.Stdout, f, *diff, *asJSON)
					}
					if err != nil {
						c.log.Error("fetch failed", "url", u, "err", err)
					}
					return nil
				})
				failed, total = failed+f, total+t
				switch {
				case errors.Is(err, crawler.ErrBlocked):
					return withCode(exitBlocked, err)
				case errors.Is(err, context.Canceled):
					return withCode(exitSignal, errors.New("interrupted"))
				case err != nil:
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d URLs failed", failed, total)
			}
			return nil
		}
	}}
