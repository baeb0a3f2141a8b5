package main

import (
	"context"
	"fmt"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/store"
)

var backupCmd = command{"backup", "write a consistent copy of the archive to FILE, then verify the copy",
	"[--db FILE] FILE", nil,
	func(c *cli) func(context.Context, *store.DB) error {
		c.uses(reads)
		c.check(func() error {
			if len(c.args) != 1 {
				return usageErr("want the backup's file name")
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			rep, err := archive.Backup(ctx, c.args[0], func(p *sppcrawl.RawPage) error {
				return extract.CheckComplete(p.Body, p.ContentType, p.URL)
			})
			if err != nil {
				return err
			}
			line := fmt.Sprintf("backup: %s, %d bytes, %d articles, %d earlier versions, %d raw pages verified: %d problems",
				rep.Path, rep.Bytes, rep.Verify.Articles, rep.Verify.Versions, rep.Verify.RawPages, len(rep.Verify.Problems))
			c.summary(rep.Verify.Err() == nil, line, rep)
			if err := rep.Verify.Err(); err != nil {
				return fmt.Errorf("the copy has %w (the archive itself too: sppcrawl verify)", err)
			}
			return nil
		}
	}}
