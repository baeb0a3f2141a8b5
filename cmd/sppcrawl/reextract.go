package main

import (
	"context"
	"fmt"
	"time"

	"sppcrawl/extract"
)

var reextractCmd = command{"reextract", "rebuild every article from its stored raw page (offline)", "[--db FILE]", writes, nil,
	func(c *cli) func(context.Context) error {
		return func(ctx context.Context) error {
			archive, err := c.open()
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := archive.Reextract(ctx,
				func(raw *extract.RawPage) (*extract.Article, error) {
					return extract.ParseArticle(raw.Body, raw.URL, raw.ContentType)
				},
				func(id string, err error) { c.log.Warn("no longer extracts", "id", id, "err", err) },
				func(done, total int) { c.log.Info("progress", "done", done, "total", total) })
			c.summary(err == nil && res.Failed == 0, fmt.Sprintf("reextract: %d raw pages, %d changed, %d unchanged, %d aliased, %d failed in %s",
				res.RawPages, res.Changed, res.Unchanged, res.Aliased, res.Failed, time.Since(start).Round(time.Millisecond)), res)
			if err == nil && res.Failed > 0 {
				err = fmt.Errorf("%d raw pages failed to extract", res.Failed)
			}
			return err
		}
	}}
