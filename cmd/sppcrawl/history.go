package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"sppcrawl"
	"text/tabwriter"

	"sppcrawl/diff"
	"sppcrawl/store"
)

// HistoryCommand is `sppcrawl history`: list the versions of an article, with the differences between them.
type HistoryCommand struct {
	streams
	c        *cli
	diff     diffFlag
	from, to int // the versions --diff compares (0, 0: every two consecutive)
}

var historyInfo = commandInfo{"history", "list the versions of an article, with the differences between them",
	"[--diff [A..B]] [--format text|json] ID|URL", []string{"text", "json"}}

// Run parses args as the command line of history and does its work.
func (cmd *HistoryCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(historyInfo, cmd.streams)
	cmd.c = c
	c.fs.Var(&cmd.diff, "diff", "show the text differences between consecutive versions (--diff A..B: between A and B)")
	c.uses(sppcrawl.OpenReads)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.history)
}

func (cmd *HistoryCommand) check() (err error) {
	c, df := cmd.c, &cmd.diff
	if df.on && len(c.args) == 2 && df.rng == "" {
		df.rng, c.args = c.args[0], c.args[1:] // --diff A..B ID
	}
	if len(c.args) != 1 {
		return usageErr("want one article id (spp-733868) or URL")
	}
	cmd.from, cmd.to, err = df.versions()
	return err
}

// history prints the article's versions, or the differences between them.
func (cmd *HistoryCommand) history(ctx context.Context, archive sppcrawl.Archive) error {
	h, err := archive.History(ctx, cmd.c.args[0])
	if err != nil {
		return err
	}
	return cmd.c.print(h, func(w io.Writer) error {
		if cmd.diff.on {
			return writeDiffs(w, h, cmd.from, cmd.to)
		}
		return writeVersions(w, h)
	})
}

// writeVersions lists the versions for a person: when stored and replaced,
// the content hash, and what changed from the version before.
func writeVersions(w io.Writer, h *sppcrawl.History) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s  %s  %d versions\n\n", h.ID, h.URL, len(h.Versions))
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTORED\tREPLACED\tCONTENT HASH\tCHANGES")
	arts, known := h.Articles()
	summaries := diff.Changes(arts, known)
	for i, v := range h.Versions {
		replaced := "current"
		if v.ReplacedAt != nil {
			replaced = localTime(*v.ReplacedAt)
		}
		changes := cmp.Or(summaries[i], "first version seen")
		if b := arts[i]; !b.WithdrawnAt.IsZero() {
			changes += "; withdrawn by the site " + localTime(b.WithdrawnAt)
		}
		fmt.Fprintf(tw, "v%d\t%s\t%s\t%.12s\t%s\n", v.Version, localTime(v.StoredAt), replaced, v.ContentHash, changes)
	}
	tw.Flush()
	return bw.Flush()
}

// writeDiffs writes the differences between versions from and to, or (both
// 0) between every two consecutive versions.
func writeDiffs(w io.Writer, h *sppcrawl.History, from, to int) error {
	if from > 0 {
		return writeVersionDiff(w, h, from, to)
	}
	for i := 1; i < len(h.Versions); i++ {
		if err := writeVersionDiff(w, h, h.Versions[i-1].Version, h.Versions[i].Version); err != nil {
			return err
		}
	}
	return nil
}

func writeVersionDiff(w io.Writer, h *sppcrawl.History, from, to int) error {
	i, j := h.Index(from), h.Index(to)
	if i < 0 || j < 0 {
		return fmt.Errorf("%s has versions 1 to %d: no v%d..v%d: %w", h.ID, len(h.Versions), from, to, store.ErrNotFound)
	}
	bw := bufio.NewWriter(w)
	a, aKnown := h.Article(i)
	b, bKnown := h.Article(j)
	fmt.Fprintf(bw, "--- %s v%d (stored %s)\n+++ %s v%d (stored %s)\n", h.ID, from, localTime(h.Versions[i].StoredAt), h.ID, to, localTime(h.Versions[j].StoredAt))
	writeDiff(bw, a, b, aKnown && bKnown, h.Versions[min(i, j)].Version)
	return bw.Flush()
}
