package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

func runExport(ctx context.Context, args []string) error {
	fs := newFlags("export", "[--format "+strings.Join(publish.Formats, "|")+"] [flags]")
	var af archiveFlags
	af.register(fs, true)
	var o publish.ExportOptions
	fs.StringVar(&o.Format, "format", "jsonl", strings.Join(publish.Formats, ", "))
	fs.Uint64Var(&o.Filter.AfterSeq, "since", 0, "only articles with seq greater than this (the cursor printed as next_since)")
	sinceDate := fs.String("since-date", "", "only articles published on or after this date (YYYY-MM-DD)")
	channel := fs.String("channel", "", "only this channel (key such as jczdal, or folder /spp/jczdal/)")
	fs.IntVar(&o.Limit, "limit", 0, "at most this many articles (default: all; 50 for feeds)")
	fs.BoolVar(&o.Filter.Withdrawn, "withdrawn", false, "only the articles the site withdrew (withdrawn_at set)")
	out := fs.String("out", "-", "output file, written atomically; a regular file or a new path (- for stdout)")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	if !slices.Contains(publish.Formats, o.Format) {
		return usageErr("--format %q: want %s", o.Format, strings.Join(publish.Formats, ", "))
	}
	if *sinceDate != "" {
		t, ok := extract.ParseDate(*sinceDate)
		if !ok {
			return usageErr("--since-date %q: want YYYY-MM-DD", *sinceDate)
		}
		o.Filter.Since = t
	}
	if *channel != "" {
		ch, err := extract.SelectChannels(*channel)
		if err != nil || len(ch) != 1 {
			return usageErr("--channel %q: want one channel key or folder (see sppcrawl channels)", *channel)
		}
		o.Filter.Channel = ch[0].Path
	}
	if o.Limit < 0 {
		return usageErr("--limit %d: must not be negative", o.Limit)
	}
	archive, err := af.open(true)
	if err != nil {
		return err
	}
	defer archive.Close()
	w, err := publish.CreateOutput(*out)
	if err != nil {
		return err
	}
	defer w.Abort()
	next, err := publish.Export(ctx, archive, w, o)
	if err == nil {
		err = w.Commit()
	}
	if err != nil || publish.IsFeed(o.Format) {
		return err
	}
	lf.quiet = false // the cursor is data, not chatter: always printed
	lf.summary(true, fmt.Sprintf("next_since=%d", next), map[string]uint64{"next_since": next})
	return nil
}
