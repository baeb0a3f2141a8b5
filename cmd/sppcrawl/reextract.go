package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"sync"

	"sppcrawl"
)

// reextracter is an archive that rebuilds its articles from their raw
// pages: either backend.
type reextracter interface {
	Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
		failed func(id string, err error), progress func(done, total int)) (sppcrawl.ReextractResult, error)
}

// ReextractCommand is `sppcrawl reextract`: rebuild every article from its stored raw page (offline).
type ReextractCommand struct {
	streams
	c *cli
}

var reextractInfo = commandInfo{"reextract", "rebuild every article from its stored raw page (offline)", "[--db FILE]", nil}

// Run parses args as the command line of reextract and does its work.
func (cmd *ReextractCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(reextractInfo, cmd.streams)
	cmd.c = c
	c.uses(sppcrawl.OpenWrites)
	c.indexes = true
	return c.run(ctx, args, cmd.reextract)
}

// reextract rebuilds every article of the archive from its raw page.
func (cmd *ReextractCommand) reextract(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	file, ok := archive.(reextracter)
	if !ok {
		return fmt.Errorf("reextract: the archive cannot rebuild its articles from their raw pages")
	}
	res, err := file.Reextract(ctx, c.rawParser(ctx, archive),
		func(id string, err error) { c.log.Warn("no longer extracts", "id", id, "err", err) },
		func(done, total int) { c.log.Info("progress", "done", done, "total", total) })
	err = cmp.Or(err, res.Err())
	c.summary(err == nil, res.String(), res)
	return err
}

// rawParser reads a stored page as the crawl read it, with its site's
// adapter and the files it fetched with it (a PDF-only document's text is
// its PDF's), as the archive holds them.
func (c *cli) rawParser(ctx context.Context, archive sppcrawl.Archive) func(*sppcrawl.RawPage) (*sppcrawl.Article, error) {
	files := archivedFiles(ctx, archive)
	return func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		a, warns, err := sppcrawl.ParseRawFiles(siteOf(raw.URL), raw, files)
		for _, w := range warns {
			c.log.Warn("a file gives no text", "url", raw.URL, "err", w)
		}
		return a, err
	}
}

// archivedFiles gives a file's bytes as the archive holds them, by the
// URL it was fetched from (the URLs are listed once, when first asked).
func archivedFiles(ctx context.Context, archive sppcrawl.Archive) func(string) ([]byte, error) {
	var (
		once  sync.Once
		byURL map[string]string
		err   error
	)
	return func(u string) ([]byte, error) {
		once.Do(func() {
			var urls map[string][]string
			urls, err = archive.MediaURLs(ctx)
			byURL = map[string]string{}
			for sha, us := range urls {
				for _, x := range us {
					byURL[x] = sha
				}
			}
		})
		if err != nil {
			return nil, err
		}
		sha, ok := byURL[u]
		if !ok {
			return nil, fmt.Errorf("%s: %w", u, sppcrawl.ErrNotFound)
		}
		_, path, err := archive.Media(ctx, sha)
		if err != nil {
			return nil, err
		}
		return os.ReadFile(path)
	}
}
