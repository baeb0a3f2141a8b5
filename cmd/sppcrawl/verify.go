package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"

	"sppcrawl"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// VerifyCommand is `sppcrawl verify`: check every record of the archive; pages stored cut short are fetched again.
type VerifyCommand struct {
	streams
	c      *cli
	repair bool
}

var verifyInfo = commandInfo{"verify", "check every record of the archive; pages stored cut short are fetched again",
	"[--db FILE] [--format text|json] [--repair]", []string{"text", "json"}}

// Run parses args as the command line of verify and does its work.
func (cmd *VerifyCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(verifyInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.repair, "repair", false, "move the records that do not decode aside (quarantine, never deleted) and make their URLs due for a fetch; a file whose page structure is damaged is first salvaged into a new file (the damaged one kept beside it)")
	c.uses(sppcrawl.OpenSalvages)
	c.db.checkPages = true
	c.indexes, c.checkIndex = true, true
	return c.run(ctx, args, cmd.verify)
}

// verify repairs the archive if asked (an archive file whose pages are
// damaged salvaged first), then checks every record and prints the
// problems.
func (cmd *VerifyCommand) verify(ctx context.Context, opened sppcrawl.Archive) error {
	if db, ok := opened.(*postgres.DB); ok {
		return cmd.verifyDatabase(ctx, db)
	}
	archive, ok := opened.(*store.DB)
	if !ok {
		return fmt.Errorf("verify: the archive cannot be verified")
	}
	var lost, err error
	if cmd.repair {
		if archive, lost, err = cmd.repairFile(ctx, archive); err != nil {
			return err
		}
	}
	return cmd.report(ctx, archive, lost)
}

// verifyDatabase is verify of an archive in PostgreSQL: its rows, read as
// of one moment. The database checks its own pages (amcheck): there is no
// page structure to salvage.
func (cmd *VerifyCommand) verifyDatabase(ctx context.Context, db *postgres.DB) error {
	var lost error
	if cmd.repair {
		cmd.c.log.Info("no salvage of pages in a database: PostgreSQL checks its own (amcheck, pg_amcheck); the repair sets aside the rows that do not decode", "db", db.Name())
		rr, err := db.Repair(ctx, cmd.c.rawParser(ctx, db))
		if err != nil {
			return err
		}
		lost = cmd.c.repairedRows(rr)
	}
	return cmd.report(ctx, db, lost)
}

// verifier is an archive that checks its every record: either backend.
type verifier interface {
	Verify(ctx context.Context, checkPage func(*sppcrawl.RawPage) error) (sppcrawl.VerifyReport, error)
}

// report verifies the archive and prints its problems and summary; lost
// is what a repair said it could not recover.
func (cmd *VerifyCommand) report(ctx context.Context, archive verifier, lost error) error {
	c := cmd.c
	rep, err := archive.Verify(ctx, checkPage)
	if err == nil {
		err = c.print(rep, func(w io.Writer) error { return writeProblems(w, rep.Problems) })
	}
	if err != nil {
		return err
	}
	c.summary(rep.Err() == nil && lost == nil, rep.String(), rep)
	return cmp.Or(rep.Err(), lost)
}

// repairedRows says what a repair of a database did, in the words of an
// archive file's (cli.repair); lost when articles await their fetch.
func (c *cli) repairedRows(rr postgres.RepairReport) (lost error) {
	for _, q := range rr.Quarantined {
		c.log.Warn("quarantined: it did not decode or points to nothing; kept aside in the database (table quarantine)", "record", q)
	}
	line := repairLine(len(rr.Quarantined), len(rr.Rebuilt), len(rr.Requeued))
	lost = dueAfterRepair(len(rr.Requeued))
	c.summary(lost == nil, line, rr)
	return lost
}

// repairLine is the start of the repair's line, either backend's.
func repairLine(quarantined, rebuilt, due int) string {
	return fmt.Sprintf("repair: %d records quarantined, %d articles rebuilt from their stored page, %d URLs due for a fetch by the next crawl",
		quarantined, rebuilt, due)
}

// dueAfterRepair is why a repair that left URLs due exits 1 (nil when it
// left none).
func dueAfterRepair(due int) error {
	if due == 0 {
		return nil
	}
	return fmt.Errorf("%d URLs could not be rebuilt from their stored page: the next crawl fetches them", due)
}

// repairFile is --repair: the file salvaged if its page structure is
// damaged, then repaired (cli.repair); the archive is the salvaged copy
// then.
func (cmd *VerifyCommand) repairFile(ctx context.Context, archive *store.DB) (_ *store.DB, lost, err error) {
	if archive.Broken() != nil {
		if archive, err = cmd.c.salvage(ctx, archive); err != nil {
			return nil, nil, err
		}
	}
	if archive.OpenDamage() != nil {
		return nil, nil, fmt.Errorf("the file itself is damaged, so it cannot be repaired in place: %w; restore a backup (sppcrawl backup) and run sppcrawl verify --repair on that", archive.OpenDamage())
	}
	lost, err = cmd.c.repair(ctx, archive)
	return archive, lost, err
}

// writeProblems writes verify's problems, one a line.
func writeProblems(w io.Writer, problems []sppcrawl.Problem) error {
	for _, p := range problems {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", p.Kind, p.Key, p.Detail); err != nil {
			return err
		}
	}
	return nil
}

// repair runs the repair of a (salvaged) archive and says what it did;
// lost says what it could not recover (the verify exits 1 for it).
func (c *cli) repair(ctx context.Context, archive *store.DB) (lost, err error) {
	rr, err := archive.Repair(ctx, c.rawParser(ctx, archive))
	if err != nil {
		return nil, err
	}
	for _, q := range rr.Quarantined {
		c.log.Warn("quarantined: it did not decode; kept aside in the archive", "record", q)
	}
	line := repairLine(len(rr.Quarantined), len(rr.Rebuilt), len(rr.Requeued))
	if len(rr.Restored) > 0 || rr.Dropped > 0 {
		line += fmt.Sprintf(", %d articles whose index entries were lost stored again, %d index entries to nothing removed", len(rr.Restored), rr.Dropped)
	}
	if rr.Reindexed > 0 {
		line += fmt.Sprintf(", %d lost index entries of stored articles written again", rr.Reindexed)
	}
	if rr.Lost.MediaReindexed > 0 {
		line += fmt.Sprintf(", %d media files indexed again", rr.Lost.MediaReindexed)
	}
	lost = dueAfterRepair(len(rr.Requeued))
	if rr.Lost.Any() {
		line += "; " + rr.Lost.String()
		lost = errors.New("the repair could not recover everything (the repair line says what): the next crawls store again what the site still has")
	}
	c.summary(lost == nil, line, rr)
	return lost, nil
}

// salvage replaces an archive whose page structure is damaged by a copy of
// what its sound pages hold (store.DB.Salvaged), opened for the repair and
// the verification that follow, and says what it took; the search index
// is made again from it.
func (c *cli) salvage(ctx context.Context, broken *store.DB) (*store.DB, error) {
	c.log.Warn("the file's page structure is damaged: copying what its sound pages hold into a new file", "why", broken.Broken())
	db, rep, err := broken.Salvaged(ctx, c.db.options())
	c.opened = db // broken is closed
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
	c.reindex = true
	return db, nil
}
