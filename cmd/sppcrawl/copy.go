package main

import (
	"context"
	"fmt"
	"sppcrawl"
	"time"

	"sppcrawl/postgres"
	"sppcrawl/store"
)

// CopyCommand is `sppcrawl copy`: copy an archive file into an empty PostgreSQL database, seqs kept, then compare the copy with it.
type CopyCommand struct {
	streams
	c        *cli
	from, to string
}

var copyInfo = commandInfo{"copy", "copy an archive file into an empty PostgreSQL database, seqs kept, then compare the copy with it",
	"--from FILE --to postgres://…", nil}

// Run parses args as the command line of copy and does its work.
func (cmd *CopyCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(copyInfo, cmd.streams)
	cmd.c = c
	c.fs.StringVar(&cmd.from, "from", defaultDB, "the archive file to copy")
	c.fs.StringVar(&cmd.to, "to", "", "the PostgreSQL database to copy into (postgres://user@host/db?sslmode=…); its archive must be empty")
	c.check(cmd.check)
	return c.run(ctx, args, cmd.copy)
}

func (cmd *CopyCommand) check() error {
	switch {
	case len(cmd.c.args) != 0:
		return usageErr("unexpected arguments %q", cmd.c.args)
	case !postgres.IsDSN(cmd.to):
		return usageErr("--to %q: want a PostgreSQL database, postgres://… (copying into a file is not there yet)", postgres.Redact(cmd.to))
	}
	return nil
}

// copy copies the archive file into the database and compares the two.
func (cmd *CopyCommand) copy(ctx context.Context, _ sppcrawl.Archive) error {
	src, err := store.OpenAs(ctx, cmd.from, sppcrawl.OpenReads, store.Options{Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.OpenAs(ctx, cmd.to, sppcrawl.OpenWrites)
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := dst.CopyFrom(ctx, src)
	if err != nil {
		return err
	}
	if err := postgres.Compare(ctx, src, dst); err != nil {
		return err
	}
	line := fmt.Sprintf("copy: %d articles, %d earlier versions, %d raw pages, %d events, %d media files into %s; the copy reads as its source",
		rep.Articles, rep.Versions, rep.RawPages, rep.Events, rep.Media, dst.Name())
	cmd.c.summary(true, line, rep)
	return nil
}
