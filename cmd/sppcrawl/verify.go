package main

import (
	"context"
	"fmt"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

var verifyCmd = command{"verify", "check every record of the archive; pages stored cut short are fetched again",
	"[--db FILE] [--format text|json]", writes, []string{"text", "json"},
	func(c *cli) func(context.Context) error {
		return func(ctx context.Context) error {
			archive, err := c.open()
			if err != nil {
				return err
			}
			rep, err := archive.Verify(ctx, func(p *extract.RawPage) error {
				return extract.CheckComplete(p.Body, p.ContentType, p.URL)
			})
			if err == nil {
				err = publish.WriteVerify(os.Stdout, rep, c.out == "json")
			}
			if err != nil {
				return err
			}
			c.summary(len(rep.Problems) == 0, fmt.Sprintf("verify: %d articles, %d earlier versions, %d raw pages: %d problems, %d stored pages cut short (due for a fetch by the next crawl)",
				rep.Articles, rep.Versions, rep.RawPages, len(rep.Problems), len(rep.Cut)), rep)
			if len(rep.Problems) > 0 {
				return fmt.Errorf("%d problems found", len(rep.Problems))
			}
			return nil
		}
	}}
