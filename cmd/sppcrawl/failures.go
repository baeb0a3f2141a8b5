package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// FailuresCommand is `sppcrawl failures`: list the failure log (--gone: pages gone); --reset makes URLs due again.
type FailuresCommand struct {
	streams
	c                *cli
	gone, reset, all bool
}

var failuresInfo = commandInfo{"failures", "list the failure log (--gone: pages gone); --reset makes URLs due again",
	"[--gone] [--format text|json] | --reset URL... | --reset --all", []string{"text", "json"}}

// Run parses args as the command line of failures and does its work.
func (cmd *FailuresCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(failuresInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.gone, "gone", false, "list the pages found gone (not retried) instead of those retried")
	c.fs.BoolVar(&cmd.reset, "reset", false, "make the URLs given (or --all) due for a retry by the next crawl, gone ones too")
	c.fs.BoolVar(&cmd.all, "all", false, "with --reset: every URL of the failure log")
	c.archive(true, cmd.mode)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.failures)
}

// mode: --reset writes the archive; a list only reads it.
func (cmd *FailuresCommand) mode() sppcrawl.OpenMode {
	if cmd.reset {
		return sppcrawl.OpenWrites
	}
	return sppcrawl.OpenReads
}

func (cmd *FailuresCommand) check() (err error) {
	c := cmd.c
	switch {
	case cmd.reset && (cmd.all == (len(c.args) > 0)):
		return usageErr("--reset wants URLs or --all, not both")
	case !cmd.reset && (cmd.all || len(c.args) > 0):
		return usageErr("URLs and --all go with --reset")
	}
	for i, u := range c.args {
		if c.args[i], err = siteOf(u).CanonicalURL(u); err != nil {
			return err
		}
	}
	return nil
}

// failures resets the URLs asked, or lists the failure log.
func (cmd *FailuresCommand) failures(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	if cmd.reset {
		n, err := archive.ResetFailures(ctx, c.args, cmd.all)
		c.summary(err == nil, fmt.Sprintf("failures: %d URLs due for a retry by the next crawl", n), map[string]int{"reset": n})
		return err
	}
	fails, err := archive.Failures(ctx, false, time.Now())
	if err != nil {
		return err
	}
	shown := append([]sppcrawl.Failure{}, slices.DeleteFunc(fails, func(f sppcrawl.Failure) bool { return f.Gone != cmd.gone })...)
	return c.print(shown, func(w io.Writer) error { return writeFailures(w, shown) })
}

// writeFailures lists failure records for a person, one a line: URL,
// channel, attempts, the next retry (or gone), the last error; or says
// there are none.
func writeFailures(w io.Writer, fails []sppcrawl.Failure) error {
	bw := bufio.NewWriter(w)
	if len(fails) == 0 {
		fmt.Fprintln(bw, "no failures")
		return bw.Flush()
	}
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tCHANNEL\tATTEMPTS\tNEXT TRY\tLAST ERROR")
	for _, f := range fails {
		next := "gone: not retried"
		if !f.Gone {
			next = localTime(f.NextRetry)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", f.URL, sites.OfURL(f.URL).ChannelByPath(f.Channel).Key, f.Attempts, next, f.LastError)
	}
	tw.Flush()
	return bw.Flush()
}
