package main

import (
	"context"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var fetchCmd = command{"fetch", "fetch, extract and store one or more article URLs now",
	"[--dry-run] [--diff] [flags] URL... (- reads URLs from stdin, one a line; flags may follow the URLs)", writes, nil,
	func(c *cli) func(context.Context, *store.DB) error {
		dryRun := c.fs.Bool("dry-run", false, "fetch and extract, report what would change, store nothing")
		diff := c.fs.Bool("diff", false, "show a field-by-field diff against the stored version")
		asJSON := c.fs.Bool("json", false, "print the extracted article as JSON as well")
		c.crawlFlags(false)
		c.check(func() error {
			if len(c.args) == 0 {
				return usageErr("want at least one URL (sppcrawl fetch --help)")
			}
			// Off-site URLs on the command line are refused before anything
			// is opened or requested; a bad line of a list fails alone.
			for _, u := range c.args {
				if _, err := extract.CanonicalURL(u); err != nil && u != "-" {
					return err
				}
			}
			if *dryRun { // reads the archive if there is one, creates none
				c.archive = reads
				if _, err := os.Stat(c.db.Path); err != nil {
					c.archive = noArchive
				}
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			cr, err := c.crawler(archive)
			if err != nil {
				return err
			}
			return cr.FetchAll(ctx, extract.URLArgs(c.args, os.Stdin), *dryRun, func(u string, f *extract.Fetched, err error) error {
				if err == nil {
					err = publish.WriteFetched(os.Stdout, f, *diff, *asJSON)
				}
				if err != nil {
					c.log.Error("fetch failed", "url", u, "err", err)
				}
				return nil
			})
		}
	}}
