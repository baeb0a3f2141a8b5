package main

import (
	"context"
	"os"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
)

var channelsCmd = command{"channels", "list the channels sppcrawl knows, or (--discover) those the site's navigation links to",
	"[--format text|json] [--discover [--origin URL]]", noArchive, []string{"text", "json"},
	func(c *cli) func(context.Context) error {
		discover := c.fs.Bool("discover", false, "read the site's homepage navigation and list the channels it links to, marking those not crawled")
		var cf crawler.Flags
		cf.Register(c.fs, false)
		return func(ctx context.Context) error {
			chans := extract.Channels
			if *discover {
				cfg, err := crawlConfig(&cf, c.log)
				if err != nil {
					return err
				}
				cr, err := newCrawler(cfg, nil)
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
