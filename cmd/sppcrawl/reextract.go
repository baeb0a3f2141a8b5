package main

import (
	"cmp"
	"context"

	"sppcrawl"
	"sppcrawl/store"
)

var reextractCmd = command{"reextract", "rebuild every article from its stored raw page (offline)", "[--db FILE]", nil,
	func(c *cli) func(context.Context, *store.DB) error {
		c.uses(writes)
		c.indexes = true
		return func(ctx context.Context, archive *store.DB) error {
			res, err := archive.Reextract(ctx,
				func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
					return siteOf(raw.URL).ParseArticle(raw.Body, raw.URL, raw.ContentType)
				},
				func(id string, err error) { c.log.Warn("no longer extracts", "id", id, "err", err) },
				func(done, total int) { c.log.Info("progress", "done", done, "total", total) })
			err = cmp.Or(err, res.Err())
			c.summary(err == nil, res.String(), res)
			return err
		}
	}}
