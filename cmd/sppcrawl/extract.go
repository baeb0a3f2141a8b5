package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// maxPageBytes caps what extract reads; real pages are ~30-100 KiB.
const maxPageBytes = 8 << 20

var extractCmd = command{"extract", "extract an article from a saved HTML file (offline)", "[--url URL] [--format json|text] FILE|-",
	noArchive, []string{"json", "text"},
	func(c *cli) func(context.Context, *store.DB) error {
		pageURL := c.fs.String("url", "", "the page's URL (default: taken from the page itself)")
		return func(ctx context.Context, archive *store.DB) error {
			if len(c.args) != 1 {
				return usageErr("want one FILE (or - for stdin), got %d arguments", len(c.args))
			}
			name := c.args[0]
			in := io.Reader(os.Stdin)
			if name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return fmt.Errorf("read %s: %w", name, err)
				}
				defer f.Close()
				in = f
			}
			b, err := io.ReadAll(io.LimitReader(in, maxPageBytes+1))
			if err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
			if len(b) > maxPageBytes {
				return fmt.Errorf("read %s: larger than %d MiB, not a page", name, maxPageBytes>>20)
			}
			a, err := extract.ParseArticle(b, *pageURL, "")
			switch {
			case err != nil:
				return fmt.Errorf("%s: %w", name, err)
			case c.out == "text":
				_, err = io.WriteString(os.Stdout, publish.ArticleText(a))
				return err
			}
			return publish.WriteJSON(os.Stdout, a)
		}
	}}
