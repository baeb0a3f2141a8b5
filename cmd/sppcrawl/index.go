package main

import (
	"context"
	"fmt"
	"io"
	"sppcrawl"
	"strings"
	"time"

	"sppcrawl/search"
)

// IndexCommand is `sppcrawl index`: bring the search index up to date with the archive, or make it again (--rebuild).
type IndexCommand struct {
	streams
	c       *cli
	rebuild bool
}

var indexInfo = commandInfo{"index", "bring the search index up to date with the archive, or make it again (--rebuild)",
	"[--rebuild] [--db FILE] [--index FILE] [--format text|json]", []string{"text", "json"}}

// Run parses args as the command line of index and does its work.
func (cmd *IndexCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(indexInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.rebuild, "rebuild", false, "make the index again from the whole archive")
	c.indexFlag()
	// Read-only: the archive cannot change while the index follows it.
	c.uses(sppcrawl.OpenReads)
	return c.run(ctx, args, cmd.index)
}

// index catches the index up (or rebuilds it) and says how big it is.
func (cmd *IndexCommand) index(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	ix, err := openIndex(c, archive, false)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := ix.Refresh(ctx, archive, cmd.rebuild, c.indexProgress())
	if err != nil {
		return err
	}
	st, err := ix.Status(ctx, archive)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s; %s", rep, sizeLine(st))
	c.summary(true, line, map[string]any{"report": rep, "index": st})
	return nil
}

// sizeLine says how big the index is, in all and per version.
func sizeLine(st search.Status) string {
	per := ""
	if st.Versions > 0 {
		per = fmt.Sprintf(" (%s each)", byteSize(st.Bytes/int64(st.Versions)))
	}
	return fmt.Sprintf("%d versions in %s%s, %d behind", st.Versions, byteSize(st.Bytes), per, st.Behind)
}

// indexFlag registers --index: where the search index lives, for a
// process that keeps its own (a serve replica of a shared database).
func (c *cli) indexFlag() {
	c.fs.StringVar(&c.index, "index", "", "the search index's `file` (default: beside an archive file, FILE.search; for PostgreSQL, a file under the user's cache directory named after the database)")
}

// indexFile is the archive's search index's file: --index, else
// search.DefaultPath's.
func (c *cli) indexFile(archive sppcrawl.Archive) (string, error) {
	if c.index != "" {
		return c.index, nil
	}
	return search.DefaultPath(archive)
}

// openIndex opens the archive's search index (indexFile).
func openIndex(c *cli, archive sppcrawl.Archive, readOnly bool) (*search.Index, error) {
	path, err := c.indexFile(archive)
	if err != nil {
		return nil, err
	}
	return search.Open(path, search.Options{Logger: c.log, ReadOnly: readOnly})
}

// openIndexAnyway opens the index for writing, or read-only where it
// cannot be written (a read-only folder); the error is the first one's when
// neither opens.
func openIndexAnyway(c *cli, archive sppcrawl.Archive) (*search.Index, error) {
	ix, err := openIndex(c, archive, false)
	if err == nil {
		return ix, nil
	}
	if ro, rerr := openIndex(c, archive, true); rerr == nil {
		return ro, nil
	}
	return nil, err
}

// trailLag is how far the index trails a crawl: it is caught up each time
// this many records are new (search.Index.Trail). A variable for the
// tests: the fixture site is smaller.
var trailLag = 512

// trailIndex indexes what a crawl stores as it goes (search.Trailing),
// until the returned stop is called; keepIndex catches up the rest. The
// crawl tells stored of what it stores (crawler.Config.Stored; nil when
// nothing trails), which the trail indexes without reading it back.
func (c *cli) trailIndex(ctx context.Context, archive sppcrawl.Archive) (stop func(), stored func(*sppcrawl.Article, sppcrawl.UpsertResult)) {
	if !c.indexable(ctx, archive) || c.reindex || c.checkIndex {
		return func() {}, nil
	}
	path, err := c.indexFile(archive)
	if err != nil {
		return func() {}, nil // keepIndex says so
	}
	hand := search.NewHandoff()
	return search.Trailing(ctx, path, archive, search.Options{Logger: c.log, Handoff: hand}, trailLag), hand.Stored
}

// indexable says whether a command's search index is kept: it changes
// articles, and the archive is open for writing and sound.
func (c *cli) indexable(ctx context.Context, archive sppcrawl.Archive) bool {
	return c.indexes && archive != nil && c.writable(archive) && ctx.Err() == nil
}

// keepIndex catches the search index up with what a command that changes
// articles stored (crawl, fetch, reextract, verify --repair), before it
// ends (search.KeepUp), and returns the command's err, or the index's
// where it is the command's. A stop by a signal leaves the catch-up to the
// next command.
func (c *cli) keepIndex(ctx context.Context, archive sppcrawl.Archive, err error) error {
	if !c.indexable(ctx, archive) {
		return err
	}
	path, perr := c.indexFile(archive)
	if perr != nil {
		c.log.Warn("search index not caught up (searches say how far behind it is)", "err", perr)
		return err
	}
	return search.KeepUp(ctx, path, archive, search.KeepOptions{Index: search.Options{Logger: c.log},
		Check: c.checkIndex, Rebuild: c.reindex, Progress: c.indexProgress()}, err)
}

// indexProgress reports a long catch-up: a bar on a terminal, else a log
// line every 10 seconds.
func (c *cli) indexProgress() search.Progress {
	start, last := time.Now(), time.Now()
	if c.progress() {
		return func(done, total int) {
			fmt.Fprintf(c.Stderr, "\r\033[K%s %d/%d articles indexed", textBar(done, total, 24), done, total)
			if done == total {
				io.WriteString(c.Stderr, "\r\033[K")
			}
		}
	}
	return func(done, total int) {
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			c.log.Info("indexing", "done", done, "total", total, "elapsed", time.Since(start).Round(time.Second).String())
		}
	}
}

func textBar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = min(width, done*width/total)
	}
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]"
}
