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
	"[--db FILE] [--format text|json] [--repair]", []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		repair := c.fs.Bool("repair", false, "move the records that do not decode aside (quarantine, never deleted) and make their URLs due for a fetch")
		c.uses(salvages)
		c.indexes = true
		return func(ctx context.Context, archive *store.DB) error {
			if *repair && archive.OpenDamage() != nil {
				return fmt.Errorf("the file itself is damaged, so it cannot be repaired in place: %w; restore a backup (sppcrawl backup) and run sppcrawl verify --repair on that", archive.OpenDamage())
			}
			if *repair {
				rr, err := archive.Repair(ctx, func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
					return extract.ParseArticle(raw.Body, raw.URL, raw.ContentType)
				})
				if err != nil {
					return err
				}
				for _, q := range rr.Quarantined {
					c.log.Warn("quarantined: it did not decode; kept aside in the archive", "record", q)
				}
				c.summary(true, fmt.Sprintf("repair: %d records quarantined, %d articles rebuilt from their stored page, %d URLs due for a fetch by the next crawl",
					len(rr.Quarantined), len(rr.Rebuilt), len(rr.Requeued)), rr)
			}
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
