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
		return func(ctx context.Context, archive *store.DB) error {
			o.Software = "sppcrawl/" + version
			next, err := publish.ExportFile(ctx, archive, o, c.log)
			if err != nil || !publish.HasCursor(o.Format) {
				return err
			}
			c.quiet = false // the cursor is data, not chatter: always printed
			c.summary(true, fmt.Sprintf("next_since=%d", next), map[string]uint64{"next_since": next})
			return nil
		}
	}}
