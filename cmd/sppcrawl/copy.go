package main

import (
	"context"
	"time"

	"sppcrawl"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// CopyCommand is `sppcrawl copy`: copy an archive into an empty one, file or PostgreSQL database either way, seqs kept, then compare the copy with it.
type CopyCommand struct {
	streams
	c        *cli
	from, to string
}

var copyInfo = commandInfo{"copy", "copy an archive into an empty one, file or PostgreSQL database either way, seqs kept, then compare the copy with it",
	"--from FILE|postgres://… --to postgres://…|FILE", nil}

// Run parses args as the command line of copy and does its work.
func (cmd *CopyCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(copyInfo, cmd.streams)
	cmd.c = c
	c.fs.StringVar(&cmd.from, "from", defaultDB, "the archive to copy: a file, or a PostgreSQL database (postgres://user@host/db?sslmode=…)")
	c.fs.StringVar(&cmd.to, "to", "", "the archive to copy into, empty: a PostgreSQL database (postgres://…), or a file (created)")
	c.check(cmd.check)
	return c.run(ctx, args, cmd.copy)
}

func (cmd *CopyCommand) check() error {
	switch {
	case len(cmd.c.args) != 0:
		return usageErr("unexpected arguments %q", cmd.c.args)
	case cmd.to == "":
		return usageErr("--to: the archive to copy into, postgres://… or a file")
	case cmd.to == cmd.from:
		return usageErr("--to %q: the archive copied from; want another", postgres.Redact(cmd.to))
	}
	return nil
}

// copy copies the archive into the other and compares the two.
func (cmd *CopyCommand) copy(ctx context.Context, _ sppcrawl.Archive) error {
	src, err := openCopySource(ctx, cmd.from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openCopyTarget(ctx, cmd.to)
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := dst.CopyFrom(ctx, src)
	if err != nil {
		return err
	}
	if err := sppcrawl.CompareCopy(ctx, src, dst); err != nil {
		return err
	}
	cmd.c.summary(true, rep.Summary(postgres.Redact(cmd.to)), rep)
	return nil
}

// copyTarget is an archive a copy goes into, either backend.
type copyTarget interface {
	sppcrawl.Archive
	CopyFrom(ctx context.Context, src sppcrawl.Archive) (sppcrawl.CopyReport, error)
}

// openCopySource opens the archive copied from, read-only when a file.
func openCopySource(ctx context.Context, name string) (sppcrawl.Archive, error) {
	if postgres.IsDSN(name) {
		return postgres.OpenAs(ctx, name, sppcrawl.OpenReads)
	}
	return store.Open(name, store.Options{ReadOnly: true, MustExist: true, Timeout: 30 * time.Second})
}

// openCopyTarget opens (a file: creates) the archive copied into.
func openCopyTarget(ctx context.Context, name string) (copyTarget, error) {
	if postgres.IsDSN(name) {
		return postgres.OpenAs(ctx, name, sppcrawl.OpenWrites)
	}
	return store.Open(name, store.Options{Timeout: 30 * time.Second})
}
