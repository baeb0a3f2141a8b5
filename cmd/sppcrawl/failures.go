package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

func runFailures(ctx context.Context, args []string) error {
	fs := newFlags("failures", "[--gone] [--format text|json] | --reset URL... | --reset --all")
	var af archiveFlags
	af.register(fs, true)
	gone := fs.Bool("gone", false, "list the pages found gone (not retried) instead of those retried")
	format := fs.String("format", "text", "output format: text or json")
	reset := fs.Bool("reset", false, "make the URLs given (or --all) due for a retry by the next crawl, gone ones too")
	all := fs.Bool("all", false, "with --reset: every URL of the failure log")
	var lf logFlags
	lf.register(fs)
	urls, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *format != "text" && *format != "json":
		return usageErr("--format %q: want text or json", *format)
	case *reset && (*all == (len(urls) > 0)):
		return usageErr("--reset wants URLs or --all, not both")
	case !*reset && (*all || len(urls) > 0):
		return usageErr("URLs and --all go with --reset")
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	archive, err := af.open(!*reset)
	if err != nil {
		return err
	}
	defer archive.Close()
	if *reset {
		for i, u := range urls {
			if urls[i], err = extract.CanonicalURL(u); err != nil {
				return withCode(exitUsage, err)
			}
		}
		n, err := archive.ResetFailures(ctx, urls, *all)
		lf.summary(err == nil, fmt.Sprintf("failures: %d URLs due for a retry by the next crawl", n), map[string]int{"reset": n})
		return err
	}
	fails, err := archive.Failures(ctx, false, time.Now())
	if err != nil {
		return err
	}
	var shown []extract.Failure
	for _, f := range fails {
		if f.Gone == *gone {
			shown = append(shown, f)
		}
	}
	if *format == "json" {
		if shown == nil {
			shown = []extract.Failure{}
		}
		return publish.WriteJSON(os.Stdout, shown)
	}
	return publish.WriteFailures(os.Stdout, shown)
}
