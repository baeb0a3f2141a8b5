package main

import (
	"context"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

var verifyCmd = command{"verify", "check every record of the archive; pages stored cut short are fetched again",
	"[--db FILE] [--format text|json]", writes, []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		return func(ctx context.Context, archive *store.DB) error {
			rep, err := archive.Verify(ctx, func(p *extract.RawPage) error {
				return extract.CheckComplete(p.Body, p.ContentType, p.URL)
			})
			if err == nil {
				err = publish.WriteVerify(os.Stdout, rep, c.out == "json")
			}
			if err != nil {
				return err
			}
			c.summary(rep.Err() == nil, rep.String(), rep)
			return rep.Err()
		}
	}}
