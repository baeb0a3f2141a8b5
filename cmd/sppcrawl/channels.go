package main

import (
	"context"
	"os"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
)

func runChannels(ctx context.Context, args []string) error {
	fs := newFlags("channels", "[--format text|json] [--discover [--origin URL]]")
	format := fs.String("format", "text", "output format: text or json")
	discover := fs.Bool("discover", false, "read the site's homepage navigation and list the channels it links to, marking those not crawled")
	var cf crawlFlags
	cf.register(fs, false)
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format %q: want text or json", *format)
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		return err
	}
	chans := extract.Channels
	if *discover {
		cfg, err := cf.config(log)
		if err != nil {
			return err
		}
		c, err := crawler.New(cfg, nil)
		if err != nil {
			return withCode(exitUsage, err)
		}
		if chans, err = c.Discover(ctx); err != nil {
			return err
		}
	}
	return publish.WriteChannels(os.Stdout, chans, *format == "json")
}
