package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/sites"
)

// StatsCommand is `sppcrawl stats`: show the archive's health: the ledger per channel, warnings, last crawl, failures.
type StatsCommand struct {
	streams
	c       *cli
	gaps    bool
	channel channelFlag
}

var statsInfo = commandInfo{"stats", "show the archive's health: the ledger per channel, warnings, last crawl, failures",
	"[--db FILE] [--format text|json] [--gaps [--channel KEY]]", []string{"text", "json"}}

// Run parses args as the command line of stats and does its work.
func (cmd *StatsCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(statsInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.gaps, "gaps", false, "list the URLs seen on list pages and never stored, with why")
	c.fs.Var(&cmd.channel, "channel", "with --gaps, only this channel (key or folder)")
	c.uses(sppcrawl.OpenReads)
	return c.run(ctx, args, cmd.stats)
}

// stats prints the archive's stats, or its gaps.
func (cmd *StatsCommand) stats(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	if cmd.gaps {
		g, err := archive.Gaps(ctx, cmd.channel.path)
		if err != nil {
			return err
		}
		return c.print(append([]sppcrawl.Gap{}, g...), func(w io.Writer) error { return writeGaps(w, g) })
	}
	s, err := stats(ctx, archive, time.Now())
	if err != nil {
		return err
	}
	if ix, err := openIndex(c, archive, true); err == nil {
		err = s.AddIndex(ctx, ix, archive)
		ix.Close()
		if err != nil {
			return err
		}
	}
	return c.print(s, func(w io.Writer) error { return writeStats(w, s, c.db.name()) })
}

// localTime is how every time is shown to a person: the site's +08:00, as
// the logs write it too.
func localTime(t time.Time) string { return t.In(sppcrawl.CST()).Format("2006-01-02 15:04:05 -0700") }

// writeStats writes the stats for a person.
func writeStats(w io.Writer, s *publish.Stats, archive string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "archive %s: %d articles (%d withdrawn by the site), last seq %d\n", archive, s.Articles, s.Withdrawn, s.LastSeq)
	writeSiteCounts(bw, s)
	if !s.OldestCheck.IsZero() {
		fmt.Fprintf(bw, "every article re-verified within %s (the oldest check: %s)\n", age(time.Since(s.OldestCheck)), localTime(s.OldestCheck))
	}
	if s.Upgraded != "" {
		fmt.Fprintf(bw, "upgraded: %s\n", s.Upgraded)
	}
	fmt.Fprintf(bw, "media: %d files archived (%s), %d missing, %d not archived yet (due for the next crawl)\n", s.Media.Files, byteSize(s.Media.Bytes), s.Media.Missing, s.Media.DueFiles)
	if st := s.SearchIndex; st != nil {
		fmt.Fprintf(bw, "search index: %s\n", sizeLine(*st))
	}
	for _, sub := range s.Subscriptions {
		line := fmt.Sprintf("subscription %s (%s, %s): %s, %d events behind, %d delivered", sub.ID, sub.Kind, sub.URL, sub.State, sub.Behind, sub.Delivered)
		if !sub.Oldest.IsZero() {
			line += ", the oldest waiting since " + localTime(sub.Oldest)
		}
		if sub.LastError != "" {
			line += "; last error: " + sub.LastError
		}
		fmt.Fprintln(bw, terminalSafe(line))
	}
	if s.Undecodable > 0 {
		fmt.Fprintf(bw, "undecodable: %d article records do not decode: every reader skips them (export, search and the API say so); sppcrawl verify --repair sets them aside and stores them again\n", s.Undecodable)
	}
	if s.Quarantined > 0 {
		fmt.Fprintf(bw, "quarantined: %d records that did not decode, kept aside in the archive\n", s.Quarantined)
	}
	for _, d := range s.Damaged {
		fmt.Fprintln(bw, "damaged: "+d)
	}
	fmt.Fprintln(bw)
	writeLedger(bw, s.Ledger, s.MultiSite())
	fmt.Fprintln(bw)
	if len(s.Warnings) > 0 {
		fmt.Fprintln(bw, "warnings:")
		for _, w := range s.Warnings {
			fmt.Fprintln(bw, "  "+w)
		}
	}
	if s.LastRun != nil {
		fmt.Fprintf(bw, "last crawl: %s (finished %s)\n", s.LastRun, localTime(s.LastRun.Finished))
	} else {
		fmt.Fprintln(bw, "last crawl: none recorded")
	}
	fmt.Fprintf(bw, "failures: %d due for retry, %d waiting, %d gone (not retried)\n", s.FailuresDue, s.FailuresWait, s.Gone)
	const show = 20
	for i, f := range s.Failures {
		if i == show {
			fmt.Fprintf(bw, "  … and %d more (--format json lists them all)\n", len(s.Failures)-show)
			break
		}
		fmt.Fprintf(bw, "  %s  attempts %d, next %s: %s\n", f.URL, f.Attempts, f.NextRetry.In(sppcrawl.CST()).Format("01-02 15:04"), f.LastError)
	}
	return bw.Flush()
}

// writeSiteCounts says each site's articles and channels, when the archive
// holds more than one.
func writeSiteCounts(w io.Writer, s *publish.Stats) {
	if !s.MultiSite() {
		return
	}
	for _, sr := range s.Sites {
		fmt.Fprintf(w, "site %s (%s): %d articles, %d channels, %d unhealthy\n", terminalSafe(sr.Site), terminalSafe(sr.Key), sr.Articles, sr.Channels, sr.Unhealthy)
	}
}

// writeLedger is the table of the channels, with a SITE column when the
// archive holds several sites (one of spp's alone reads as it always did).
func writeLedger(w io.Writer, ledger []publish.ChannelReport, multiSite bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	site := func(c publish.ChannelReport) string { return "" }
	if multiSite {
		site = func(c publish.ChannelReport) string { return terminalSafe(cmp.Or(c.Site, "-")) + "\t" }
		fmt.Fprint(tw, "SITE\t")
	}
	fmt.Fprintln(tw, "CHANNEL\tHEALTH\tSTORED\tANNOUNCED\tFAILED\tGONE\tGAPS\tNEWEST\tWALK")
	for _, c := range ledger {
		newest := ""
		if c.NewestID != "" {
			newest = c.Newest.In(sppcrawl.CST()).Format("2006-01-02") + " " + c.NewestID
		}
		walk := ""
		if c.Walk != "" {
			walk = "resuming: " + c.Walk
		}
		health := string(c.Health)
		if health == "" {
			health = "-"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", site(c), c.Key, health, c.Stored, c.Announced, c.Failed, c.Gone, c.Gaps, newest, walk)
	}
	tw.Flush()
}

// age says a duration the way a person reads it: days, hours or minutes.
func age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// writeGaps lists the gaps of the archive (URLs listed and never stored) for
// a person.
func writeGaps(w io.Writer, gaps []sppcrawl.Gap) error {
	bw := bufio.NewWriter(w)
	for _, g := range gaps {
		line := g.URL + "\t" + sites.OfURL(g.URL).ChannelByPath(g.Channel).Key + "\t" + g.Why
		if g.Error != "" {
			line += ": " + g.Error
		}
		fmt.Fprintln(bw, line)
	}
	return bw.Flush()
}
