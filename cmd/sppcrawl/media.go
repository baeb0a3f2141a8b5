package main

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
)

// MediaCommand is `sppcrawl media`: archive the images and attachments of stored articles that are not archived yet.
type MediaCommand struct {
	streams
	c       *cli
	cfg     *crawler.Config
	channel channelFlag
}

var mediaInfo = commandInfo{"media", "archive the images and attachments of stored articles that are not archived yet",
	"[--channel KEY] [--media all|images] [flags]", nil}

// Run parses args as the command line of media and does its work.
func (cmd *MediaCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(mediaInfo, cmd.streams)
	cmd.c = c
	c.fs.Var(&cmd.channel, "channel", "only this channel's articles (key or folder)")
	cmd.cfg = c.crawlConfig(netFlags | paceFlags | mediaFlags)
	c.uses(sppcrawl.OpenWrites)
	return c.run(ctx, args, cmd.media)
}

// media archives the files of the stored articles that are missing.
func (cmd *MediaCommand) media(ctx context.Context, archive sppcrawl.Archive) error {
	cr, err := newCrawler(cmd.cfg, archive)
	if err != nil {
		return err
	}
	sum, err := cr.RunMedia(ctx, cmd.channel.path)
	cmd.c.summary(sum.Outcome == sppcrawl.RunOK, fmt.Sprintf("media %s: %d URLs archived (%d new files), %d missing, %d requests in %s", sum.Outcome,
		sum.Media, sum.MediaFiles, sum.MediaMissing, sum.Requests, sum.Finished.Sub(sum.Started).Round(time.Millisecond)), sum)
	if err == nil && sum.MediaMissing > 0 {
		err = fmt.Errorf("%d files could not be archived; the articles' \"missing\" says why", sum.MediaMissing)
	}
	return cmp.Or(err, sum.Err())
}
