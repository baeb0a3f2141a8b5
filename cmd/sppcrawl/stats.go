package main

import (
	"context"
	"os"
	"time"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

func runStats(ctx context.Context, args []string) error {
	fs := newFlags("stats", "[--db FILE] [--format text|json] [--gaps [--channel KEY]]")
	var af archiveFlags
	af.register(fs, true)
	format := fs.String("format", "text", "output format: text or json")
	gaps := fs.Bool("gaps", false, "list the URLs seen on list pages and never stored, with why")
	channel := fs.String("channel", "", "with --gaps, only this channel (key or folder)")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format %q: want text or json", *format)
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	archive, err := af.open(true)
	if err != nil {
		return err
	}
	defer archive.Close()
	if *gaps {
		path := ""
		if *channel != "" {
			ch, err := extract.SelectChannels(*channel)
			if err != nil || len(ch) != 1 {
				return usageErr("--channel %q: want one channel key or folder", *channel)
			}
			path = ch[0].Path
		}
		g, err := archive.Gaps(ctx, path)
		switch {
		case err != nil:
			return err
		case *format == "json":
			if g == nil {
				g = []store.Gap{}
			}
			return publish.WriteJSON(os.Stdout, g)
		}
		return publish.WriteGaps(os.Stdout, g)
	}
	s, err := publish.GatherStats(ctx, archive, time.Now())
	if err != nil {
		return err
	}
	if *format == "json" {
		return publish.WriteJSON(os.Stdout, s)
	}
	return s.WriteText(os.Stdout, af.path)
}
