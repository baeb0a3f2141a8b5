package main

import (
	"context"
	"fmt"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// backuper is an archive file, which copies itself whole.
type backuper interface {
	Backup(ctx context.Context, path string, checkPage func(*sppcrawl.RawPage) error) (sppcrawl.BackupReport, error)
}

// BackupCommand is `sppcrawl backup`: write a consistent copy of the archive to FILE, then verify the copy.
type BackupCommand struct {
	streams
	c *cli
}

var backupInfo = commandInfo{"backup", "write a consistent copy of the archive to FILE, then verify the copy",
	"[--db FILE] FILE", nil}

// Run parses args as the command line of backup and does its work.
func (cmd *BackupCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(backupInfo, cmd.streams)
	cmd.c = c
	c.uses(sppcrawl.OpenReads)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.backup)
}

func (cmd *BackupCommand) check() error {
	if len(cmd.c.args) != 1 {
		return usageErr("want the backup's file name")
	}
	return nil
}

// backup copies the archive into the file named and verifies the copy: an
// archive file copies itself; a database is copied from one snapshot into
// a new archive file.
func (cmd *BackupCommand) backup(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	var rep sppcrawl.BackupReport
	var err error
	switch a := archive.(type) {
	case backuper:
		rep, err = a.Backup(ctx, c.args[0], checkPage)
	case *postgres.DB:
		rep, err = store.BackupFrom(ctx, a.ReadAsOf, c.args[0], checkPage)
	default:
		err = fmt.Errorf("backup: the archive cannot be backed up")
	}
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

// checkPage says whether a stored page is whole (verify and backup check
// every page with it).
func checkPage(p *sppcrawl.RawPage) error { return extract.CheckComplete(p.Body, p.ContentType, p.URL) }
