package main

import (
	"context"
	"os"

	"sppcrawl/publish"
)

var historyCmd = command{"history", "list the versions of an article, with the differences between them",
	"[--diff [A..B]] [--format text|json] ID|URL", reads, []string{"text", "json"},
	func(c *cli) func(context.Context) error {
		var diff publish.DiffFlag
		c.fs.Var(&diff, "diff", "show the text differences between consecutive versions (--diff A..B: between A and B)")
		return func(ctx context.Context) error {
			if diff.On && len(c.args) == 2 && diff.Range == "" {
				diff.Range, c.args = c.args[0], c.args[1:] // --diff A..B ID
			}
			if len(c.args) != 1 {
				return usageErr("want one article id (spp-733868) or URL")
			}
			from, to, err := diff.Versions()
			if err != nil {
				return withCode(exitUsage, err)
			}
			archive, err := c.open()
			if err != nil {
				return err
			}
			h, err := publish.GetHistory(ctx, archive, c.args[0])
			switch {
			case err != nil:
				return err
			case c.out == "json":
				return publish.WriteJSON(os.Stdout, h)
			case diff.On:
				return h.WriteDiffs(os.Stdout, from, to)
			}
			return h.WriteText(os.Stdout)
		}
	}}
