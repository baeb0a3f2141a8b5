package main

import (
	"context"
	"os"
	"time"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var statsCmd = command{"stats", "show the archive's health: the ledger per channel, warnings, last crawl, failures",
	"[--db FILE] [--format text|json] [--gaps [--channel KEY]]", reads, []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		gaps := c.fs.Bool("gaps", false, "list the URLs seen on list pages and never stored, with why")
		var channel extract.ChannelFlag
		c.fs.Var(&channel, "channel", "with --gaps, only this channel (key or folder)")
		return func(ctx context.Context, archive *store.DB) error {
			if *gaps {
				g, err := archive.Gaps(ctx, channel.Path)
				switch {
				case err != nil:
					return err
				case c.out == "json":
					return publish.WriteJSON(os.Stdout, append([]store.Gap{}, g...))
				}
				return publish.WriteGaps(os.Stdout, g)
			}
			s, err := publish.GatherStats(ctx, archive, time.Now())
			switch {
			case err != nil:
				return err
			case c.out == "json":
				return publish.WriteJSON(os.Stdout, s)
			}
			return s.WriteText(os.Stdout, c.db)
		}
	}}
