package main

import (
	"cmp"
	"context"

	"sppcrawl"
	"sppcrawl/store"
)

// reextracter is an archive file, which rebuilds its articles from their
// raw pages.
type reextracter interface {
	Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
		failed func(id string, err error), progress func(done, total int)) (store.ReextractResult, error)
}

var reextractCmd = command{"reextract", "rebuild every article from its stored raw page (offline)", "[--db FILE]", nil,
	func(c *cli) func(context.Context, sppcrawl.Archive) error {
		c.uses(writes)
		c.indexes = true
		return func(ctx context.Context, archive sppcrawl.Archive) error {
			file, ok := archive.(reextracter)
			if !ok {
				return notOnDatabase(archive, "reextract", "the rebuild from raw pages is not there yet (see README, PostgreSQL)")
			}
			res, err := file.Reextract(ctx,
				func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
					return sppcrawl.ParseRaw(siteOf(raw.URL), raw)
				},
				func(id string, err error) { c.log.Warn("no longer extracts", "id", id, "err", err) },
				func(done, total int) { c.log.Info("progress", "done", done, "total", total) })
			err = cmp.Or(err, res.Err())
			c.summary(err == nil, res.String(), res)
			return err
		}
	}}
