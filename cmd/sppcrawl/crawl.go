package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	var logOut io.Writer = os.Stderr
	tty := stderrIsTTY()
	if tty {
		logOut = clearLine{os.Stderr} // log lines replace the progress bar, which redraws below
	}
	log, err := lf.logger(logOut)
	if err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	cfg.Logger = log
	if tty {
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

// clearLine erases the terminal line before each write: slog writes a record
// in one call, so a log line never lands in the middle of the progress bar.
type clearLine struct{ w io.Writer }

func (c clearLine) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, "\r\033[K"); err != nil {
		return 0, err
	}
	return c.w.Write(p)
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
