package main

import (
	"context"
	"io"

	"sppcrawl/publish"
	"sppcrawl/store"
)

var historyCmd = command{"history", "list the versions of an article, with the differences between them",
	"[--diff [A..B]] [--format text|json] ID|URL", reads, []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		var diff publish.DiffFlag
		c.fs.Var(&diff, "diff", "show the text differences between consecutive versions (--diff A..B: between A and B)")
		var from, to int
		c.check(func() (err error) {
			if diff.On && len(c.args) == 2 && diff.Range == "" {
				diff.Range, c.args = c.args[0], c.args[1:] // --diff A..B ID
			}
			if len(c.args) != 1 {
				return usageErr("want one article id (spp-733868) or URL")
			}
			from, to, err = diff.Versions()
			return err
		})
		return func(ctx context.Context, archive *store.DB) error {
			h, err := publish.GetHistory(ctx, archive, c.args[0])
			if err != nil {
				return err
			}
			return c.print(h, func(w io.Writer) error {
				if diff.On {
					return h.WriteDiffs(w, from, to)
				}
				return h.WriteText(w)
			})
		}
	}}
