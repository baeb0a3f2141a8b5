package main

import (
	"context"
	"os"
	"time"

	"sppcrawl/publish"
)

func runStats(ctx context.Context, args []string) error {
	fs := newFlags("stats", "[--db FILE] [--format text|json]")
	var af archiveFlags
	af.register(fs, true)
	format := fs.String("format", "text", "output format: text or json")
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
	s, err := publish.GatherStats(ctx, archive, time.Now())
	if err != nil {
		return err
	}
	if *format == "json" {
		return publish.WriteJSON(os.Stdout, s)
	}
	return s.WriteText(os.Stdout, af.path)
}
