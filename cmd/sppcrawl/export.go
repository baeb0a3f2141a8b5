package main

import (
	"context"
	"fmt"
	"strings"

	"sppcrawl/publish"
	"sppcrawl/store"
)

var exportCmd = command{"export", "write articles as JSON Lines, JSON, CSV, Atom, RSS or JSON Feed, their cases, or the archive as WARC",
	"[--format " + strings.Join(publish.Formats, "|") + "] [flags]", reads, nil,
	func(c *cli) func(context.Context, *store.DB) error {
		var o publish.ExportOptions
		o.Register(c.fs)
		c.check(o.Check)
		out := c.fs.String("out", "-", "output file, written atomically; a regular file or a new path (- for stdout)")
		mediaDir := c.fs.String("media-dir", "", "also write every archived image and attachment once into this folder, as <sha256>.<ext>")
		return func(ctx context.Context, archive *store.DB) error {
			if *mediaDir != "" {
				n, err := publish.ExportMedia(ctx, archive, *mediaDir)
				if err != nil {
					return err
				}
				c.log.Info("media files written", "dir", *mediaDir, "new", n)
			}
			o.Software = "sppcrawl/" + version
			w, err := publish.CreateOutput(*out)
			if err != nil {
				return err
			}
			defer w.Abort()
			next, err := publish.Export(ctx, archive, w, o)
			if err == nil {
				err = w.Commit()
			}
			if err != nil || publish.IsFeed(o.Format) {
				return err
			}
			c.quiet = false // the cursor is data, not chatter: always printed
			c.summary(true, fmt.Sprintf("next_since=%d", next), map[string]uint64{"next_since": next})
			return nil
		}
	}}
