package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/store"
)

var verifyCmd = command{"verify", "check every record of the archive; pages stored cut short are fetched again",
	"[--db FILE] [--format text|json] [--repair]", []string{"text", "json"},
	func(c *cli) func(context.Context, sppcrawl.Archive) error {
		repair := c.fs.Bool("repair", false, "move the records that do not decode aside (quarantine, never deleted) and make their URLs due for a fetch; a file whose page structure is damaged is first salvaged into a new file (the damaged one kept beside it)")
		c.uses(salvages)
		c.db.checkPages = true
		c.indexes, c.checkIndex = true, true
		return func(ctx context.Context, opened sppcrawl.Archive) error {
			archive, err := fileOnly(opened, "verify", "the database checks its own pages (amcheck), and copy compares a copy with its source")
			if err != nil {
				return err
			}
			if *repair && archive.Broken() != nil {
				if archive, err = c.salvage(ctx, archive); err != nil {
					return err
				}
			}
			if *repair && archive.OpenDamage() != nil {
				return fmt.Errorf("the file itself is damaged, so it cannot be repaired in place: %w; restore a backup (sppcrawl backup) and run sppcrawl verify --repair on that", archive.OpenDamage())
			}
			var lost error
			if *repair {
				if lost, err = c.repair(ctx, archive); err != nil {
					return err
				}
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
			c.summary(rep.Err() == nil && lost == nil, rep.String(), rep)
			return cmp.Or(rep.Err(), lost)
		}
	}}

// repair runs the repair of a (salvaged) archive and says what it did;
// lost says what it could not recover (the verify exits 1 for it).
func (c *cli) repair(ctx context.Context, archive *store.DB) (lost, err error) {
	rr, err := archive.Repair(ctx, func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		return sppcrawl.ParseRaw(siteOf(raw.URL), raw)
	})
	if err != nil {
		return nil, err
	}
	for _, q := range rr.Quarantined {
		c.log.Warn("quarantined: it did not decode; kept aside in the archive", "record", q)
	}
	line := fmt.Sprintf("repair: %d records quarantined, %d articles rebuilt from their stored page, %d URLs due for a fetch by the next crawl",
		len(rr.Quarantined), len(rr.Rebuilt), len(rr.Requeued))
	if len(rr.Restored) > 0 || rr.Dropped > 0 {
		line += fmt.Sprintf(", %d articles whose index entries were lost stored again, %d index entries to nothing removed", len(rr.Restored), rr.Dropped)
	}
	if rr.Reindexed > 0 {
		line += fmt.Sprintf(", %d lost index entries of stored articles written again", rr.Reindexed)
	}
	if rr.Lost.MediaReindexed > 0 {
		line += fmt.Sprintf(", %d media files indexed again", rr.Lost.MediaReindexed)
	}
	switch {
	case rr.Lost.Any():
		line += "; " + rr.Lost.String()
		lost = errors.New("the repair could not recover everything (the repair line says what): the next crawls store again what the site still has")
	case len(rr.Requeued) > 0:
		lost = fmt.Errorf("%d articles could not be rebuilt from their stored page: the next crawl fetches them", len(rr.Requeued))
	}
	c.summary(lost == nil, line, rr)
	return lost, nil
}

// salvage replaces an archive whose page structure is damaged by a copy of
// what its sound pages hold (store.Salvage), and opens the copy for the
// repair and the verification that follow; the search index is made again
// from it.
func (c *cli) salvage(ctx context.Context, broken *store.DB) (*store.DB, error) {
	c.log.Warn("the file's page structure is damaged: copying what its sound pages hold into a new file", "why", broken.Broken())
	path := broken.Path()
	if err := broken.Close(); err != nil {
		return nil, err
	}
	rep, err := store.Salvage(ctx, path, c.db.wait)
	if errors.Is(err, store.ErrLocked) {
		err = fmt.Errorf("%w; a salvage replaces the file: stop the crawl or serve using it first", err)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range rep.Problems {
		c.log.Warn("salvage passed a damaged place: what lay under it is lost", "where", p)
	}
	if rep.Schema != "" {
		c.log.Warn(rep.Schema)
	}
	c.summary(false, rep.String(), rep)
	db, err := c.db.open(salvages, "verify")
	c.opened = db
	if err != nil {
		return nil, fmt.Errorf("the salvaged copy does not open (the damaged file is at %s): %w", rep.Aside, err)
	}
	c.reindex = true
	return db, nil
}
