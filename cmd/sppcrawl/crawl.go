package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
		return usageErr("unexpected arguments %q", fs.Args())
	}
	var logOut io.Writer = os.Stderr
	tty := stderrIsTTY() && !lf.quiet
	if tty {
		logOut = clearLine{os.Stderr} // log lines replace the progress bar, which redraws below
	}
	log, err := lf.logger(logOut)
	if err != nil {
		return err
	}
	cfg, err := cf.config(log)
	if err != nil {
		return err
	}
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
	lf.summary(sum.Outcome == "ok", sum.String(), sum)
	return crawlExit(sum, err)
}

func stderrIsTTY() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
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
		return fmt.Errorf("%d pages failed; they are retried by the next run (sppcrawl failures lists them)", sum.Failures)
	case len(sum.Warnings) > 0:
		return fmt.Errorf("%d warnings: %s", len(sum.Warnings), strings.Join(sum.Warnings, "; "))
	}
	return nil
}
