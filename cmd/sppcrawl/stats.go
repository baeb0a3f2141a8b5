package main

import (
	"context"
	"io"
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
				if err != nil {
					return err
				}
				return c.print(append([]store.Gap{}, g...), func(w io.Writer) error { return publish.WriteGaps(w, g) })
			}
			s, err := publish.GatherStats(ctx, archive, time.Now())
			if err != nil {
				return err
			}
			return c.print(s, func(w io.Writer) error { return s.WriteText(w, c.db.Path) })
		}
	}}
