package main

import (
	"context"
	"fmt"
	"io"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/store"
)

var verifyCmd = command{"verify", "check every record of the archive; pages stored cut short are fetched again",
	"[--db FILE] [--format text|json]", []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		c.uses(writes)
		return func(ctx context.Context, archive *store.DB) error {
			rep, err := archive.Verify(ctx, func(p *sppcrawl.RawPage) error {
				return extract.CheckComplete(p.Body, p.ContentType, p.URL)
			})
			if err == nil {
				err = c.print(rep, func(w io.Writer) error {
					for _, p := range rep.Problems {
						if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", p.Kind, p.Key, p.Detail); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err != nil {
				return err
			}
			c.summary(rep.Err() == nil, rep.String(), rep)
			return rep.Err()
		}
	}}
