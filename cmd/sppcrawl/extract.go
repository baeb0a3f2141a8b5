package main

import (
	"context"
	"fmt"
	"io"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var extractCmd = command{"extract", "extract an article from a saved HTML file (offline)", "[--url URL] [--format json|text] FILE|-",
	noArchive, []string{"json", "text"},
	func(c *cli) func(context.Context, *store.DB) error {
		pageURL := c.fs.String("url", "", "the page's URL (default: taken from the page itself)")
		c.check(func() error {
			if len(c.args) != 1 {
				return usageErr("want one FILE (or - for stdin), got %d arguments", len(c.args))
			}
			return nil
		})
		return func(ctx context.Context, _ *store.DB) error {
			b, err := extract.ReadFile(c.args[0])
			if err != nil {
				return err
			}
			a, err := extract.ParseArticle(b, *pageURL, "")
			if err != nil {
				return fmt.Errorf("%s: %w", c.args[0], err)
			}
			return c.print(a, func(w io.Writer) error {
				_, err := io.WriteString(w, publish.ArticleText(a))
				return err
			})
		}
	}}
