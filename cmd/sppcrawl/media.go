package main

import (
	"cmp"
	"context"
	"fmt"
	"sppcrawl/extract"
	"sppcrawl/store"
	"time"
)

var mediaCmd = command{"media", "archive the images and attachments of stored articles that are not archived yet",
	"[--channel KEY] [--media all|images] [flags]", writes, nil,
	func(c *cli) func(context.Context, *store.DB) error {
		var channel extract.ChannelFlag
		c.fs.Var(&channel, "channel", "only this channel's articles (key or folder)")
		c.crawlFlags(true)
		return func(ctx context.Context, archive *store.DB) error {
			cr, err := c.crawler(archive)
			if err != nil {
				return err
			}
			sum, err := cr.RunMedia(ctx, channel.Path)
			c.summary(sum.Outcome == "ok", fmt.Sprintf("media %s: %d files archived, %d missing, %d requests in %s", sum.Outcome,
				sum.Media, sum.MediaMissing, sum.Requests, sum.Finished.Sub(sum.Started).Round(time.Millisecond)), sum)
			if err == nil && sum.MediaMissing > 0 {
				err = fmt.Errorf("%d files could not be archived; the articles' \"missing\" says why", sum.MediaMissing)
			}
			return cmp.Or(err, sum.Err())
		}
	}}
