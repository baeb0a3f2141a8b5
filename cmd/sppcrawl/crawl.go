package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
)

func runCrawl(ctx context.Context, args []string) error {
	fs := newFlags("crawl", "[flags]")
	var af archiveFlags
	af.register(fs, false)
	var cf crawlFlags
	cf.register(fs, true)
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	cfg.Logger = log
	if stderrIsTTY() {
		cfg.Progress = os.Stderr
	}
	archive, err := af.open(false)
	if err != nil {
		return err
	}
	defer archive.Close()
	c, err := crawler.New(cfg, archive)
	if err != nil {
		return withCode(exitUsage, err)
	}
	sum, err := c.Run(ctx)
	fmt.Fprintln(os.Stderr, summaryLine(sum))
	return crawlExit(sum, err)
}

// crawlExit maps a run's result to the documented exit codes.
func crawlExit(sum extract.RunSummary, err error) error {
	switch {
	case errors.Is(err, crawler.ErrBlocked):
		return withCode(exitBlocked, err)
	case errors.Is(err, crawler.ErrInterrupted):
		return withCode(exitSignal, err)
	case err != nil:
		return err
	case sum.Failures > 0:
		return withCode(exitFailures, fmt.Errorf("%d pages failed; they are retried by the next run (sppcrawl stats lists them)", sum.Failures))
	}
	return nil
}

// summaryLine is the one line a cron mail shows.
func summaryLine(s extract.RunSummary) string {
	return fmt.Sprintf("crawl %s: %d channels, %d list pages, %d created, %d updated, %d unchanged, %d aliased, %d failed, %d gone, %d requests in %s",
		s.Outcome, s.Channels, s.ListPages, s.Created, s.Updated, s.Unchanged, s.Aliased, s.Failures, s.Gone, s.Requests,
		s.Finished.Sub(s.Started).Round(time.Millisecond))
}
