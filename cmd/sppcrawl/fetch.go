package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/diff"
)

// FetchCommand is `sppcrawl fetch`: fetch, extract and store one or more article URLs now.
type FetchCommand struct {
	streams
	c                        *cli
	cfg                      *crawler.Config
	dryRun, showDiff, asJSON bool
}

var fetchInfo = commandInfo{"fetch", "fetch, extract and store one or more article URLs now",
	"[--dry-run] [--diff] [flags] URL... (- reads URLs from stdin, one a line; flags may follow the URLs)", nil}

// Run parses args as the command line of fetch and does its work.
func (cmd *FetchCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(fetchInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.dryRun, "dry-run", false, "fetch and extract, report what would change, store nothing")
	c.fs.BoolVar(&cmd.showDiff, "diff", false, "show a field-by-field diff against the stored version")
	c.fs.BoolVar(&cmd.asJSON, "json", false, "print the extracted article as JSON as well")
	cmd.cfg = c.crawlConfig(netFlags | mediaFlags)
	c.archive(false, cmd.mode)
	c.indexes = true
	c.check(cmd.check)
	return c.run(ctx, args, cmd.fetch)
}

// mode: a dry run reads the archive if there is one and creates none.
func (cmd *FetchCommand) mode() sppcrawl.OpenMode {
	if cmd.dryRun {
		return sppcrawl.OpenReadsIfExists
	}
	return sppcrawl.OpenCreates
}

// check refuses URLs on the command line before anything is opened or
// requested; a bad line of a list fails alone.
func (cmd *FetchCommand) check() error {
	c, site := cmd.c, cmd.cfg.Site
	if len(c.args) == 0 {
		return usageErr("want at least one URL (sppcrawl fetch --help)")
	}
	for _, u := range c.args {
		if u == "-" {
			continue
		}
		if _, err := site.CanonicalURL(u); err != nil || strings.TrimSpace(u) == "" || strings.HasPrefix(strings.TrimSpace(u), "#") {
			return usageErr("%q: want a URL of %s%s", u, site.Host(), errSuffix(err))
		}
	}
	return nil
}

// fetch fetches each URL and says what became of it.
func (cmd *FetchCommand) fetch(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	cr, err := newCrawler(cmd.cfg, archive)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(&safeWriter{w: c.Stdout})
	defer out.Flush()
	return cr.FetchAll(ctx, urlArgs(c.args, c.Stdin, cmd.cfg.Site.CanonicalURL), cmd.dryRun, func(u string, f *sppcrawl.Fetched, err error) error {
		if err == nil {
			writeFetched(out, f, cmd.showDiff)
			if cmd.asJSON {
				err = writeJSON(out, f.Article)
			}
		}
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			c.log.Error("fetch failed", "url", u, "err", err)
		}
		return nil
	})
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// writeFetched reports what fetch did with one URL: a line "<id> <outcome>
// (v<version>, seq <seq>) <url>" ("would be …" on a dry run), with showDiff
// the differences from the stored version.
func writeFetched(w io.Writer, f *sppcrawl.Fetched, showDiff bool) {
	if f.Gone != nil {
		writeGone(w, f)
		return
	}
	a := f.Article
	if f.DryRun {
		fmt.Fprintf(w, "%s would be %s %s\n", a.ID, f.Outcome, a.URL)
	} else {
		fmt.Fprintf(w, "%s %s (v%d, seq %d) %s\n", a.ID, f.Outcome, f.Result.Version, f.Result.Seq, a.URL)
	}
	writeRevision(w, f, showDiff)
	if f.Media+f.MediaMissing > 0 {
		fmt.Fprintf(w, "  media: %d archived, %d missing\n", f.Media, f.MediaMissing)
	}
	switch {
	case showDiff && f.Before == nil:
		fmt.Fprintln(w, "  (nothing stored before)")
	case showDiff:
		fmt.Fprintf(w, "--- %s v%d (stored)\n+++ %s (fetched now)\n", a.ID, f.Before.Version, a.ID)
		writeDiff(w, f.Before, a, true, f.Before.Version)
	}
}

// writeRevision says whether the fetch is a new version of the stored
// article and which fields made it one; with showDiff, when it is none, that
// the differences shown are in fields that make no version.
func writeRevision(w io.Writer, f *sppcrawl.Fetched, showDiff bool) {
	if f.Before == nil {
		return
	}
	changed := ""
	if ch := sppcrawl.Revision(f.Before, f.Article); ch.Revised() {
		changed = ": " + ch.String() + " changed"
	}
	switch {
	case f.Outcome == sppcrawl.Updated && f.DryRun:
		fmt.Fprintf(w, "  would be a new version (v%d)%s\n", f.Before.Version+1, changed)
	case f.Outcome == sppcrawl.Updated:
		fmt.Fprintf(w, "  a new version%s\n", changed)
	case showDiff && f.Outcome != sppcrawl.Aliased && len(diff.Fields(f.Before, f.Article, true)) > 0:
		fmt.Fprintln(w, "  no new version: the fields that differ are not ones that make a version")
	}
}

// writeGone reports a stored article whose URL answered gone, in the
// words of a crawl: "<id> gone (<answer>): sighting 1 of 2 toward
// withdrawal, …" or "<id> withdrawn (…)".
func writeGone(w io.Writer, f *sppcrawl.Fetched) {
	a, g := f.Article, f.Gone
	switch {
	case g.Already:
		fmt.Fprintf(w, "%s gone (%s): withdrawn already, on %s (v%d, seq %d) %s\n", a.ID, g.Reason, a.WithdrawnAt.In(sppcrawl.CST()).Format(time.RFC3339), a.Version, a.Seq, a.URL)
	case f.DryRun:
		fmt.Fprintf(w, "%s would be a gone sighting (%s): a sighting toward withdrawal (two runs that see it gone withdraw it) %s\n", a.ID, g.Reason, a.URL)
	case g.Withdrawn:
		fmt.Fprintf(w, "%s withdrawn (%s): sighting 2 of 2, article withdrawn by the site: marked withdrawn_at, its content kept (v%d, seq %d) %s\n", a.ID, g.Reason, a.Version, a.Seq, a.URL)
	default:
		fmt.Fprintf(w, "%s gone (%s): sighting 1 of 2 toward withdrawal, it is withdrawn if the next run agrees (v%d, seq %d) %s\n", a.ID, g.Reason, a.Version, a.Seq, a.URL)
	}
}
