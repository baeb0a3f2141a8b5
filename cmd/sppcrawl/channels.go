package main

import (
	"context"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var channelsCmd = command{"channels", "list the channels sppcrawl knows, or (--discover) those the site's navigation links to",
	"[--format text|json] [--discover [--origin URL]]", noArchive, []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		discover := c.fs.Bool("discover", false, "read the site's homepage navigation and list the channels it links to, marking those not crawled")
		c.crawlFlags(false)
		return func(ctx context.Context, archive *store.DB) error {
			chans := extract.Channels
			if *discover {
				cr, err := c.crawler(nil)
				if err != nil {
					return err
				}
				if chans, err = cr.Discover(ctx); err != nil {
					return err
				}
			}
			return publish.WriteChannels(os.Stdout, chans, c.out == "json")
		}
	}}
