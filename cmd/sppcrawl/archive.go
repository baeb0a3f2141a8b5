package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"sppcrawl"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// defaultDB is the archive a command opens without --db.
const defaultDB = "sppcrawl.db"

// archiveFlags are --db and --lock-timeout.
type archiveFlags struct {
	path string
	wait time.Duration
	// checkPages: the command checks the file's page structure even where
	// its stamp says it is sound (verify).
	checkPages bool
}

func (f *archiveFlags) register(fs *flag.FlagSet, reader bool) {
	fs.StringVar(&f.path, "db", defaultDB, "archive file, or a PostgreSQL database: postgres://user@host/db?sslmode=…")
	wait, help := 2*time.Second, "how long to wait for the archive's lock"
	if reader {
		wait, help = 30*time.Second, "how long to wait while a crawl holds the archive"
	}
	fs.DurationVar(&f.wait, "lock-timeout", wait, help)
}

func (f *archiveFlags) check() error {
	if f.wait < 0 {
		return fmt.Errorf("--lock-timeout %s: must not be negative", f.wait)
	}
	return nil
}

// open opens the archive file in mode for the command named cmd
// (store.OpenAs); a held lock comes with advice for that command.
func (f *archiveFlags) open(ctx context.Context, mode sppcrawl.OpenMode, cmd string) (*store.DB, error) {
	db, err := store.OpenAs(ctx, f.path, mode, f.options())
	if errors.Is(err, store.ErrLocked) && mode != sppcrawl.OpenReadsBeside {
		return nil, fmt.Errorf("%w; %s", err, lockAdvice(mode, cmd))
	}
	return db, err
}

// options are the archive file's options of the flags.
func (f *archiveFlags) options() store.Options {
	return store.Options{CheckPages: f.checkPages, Timeout: max(f.wait, time.Millisecond)}
}

// lockAdvice says what to do about the process holding the archive.
func lockAdvice(mode sppcrawl.OpenMode, cmd string) string {
	switch {
	case cmd == "subscriptions" || cmd == "deliver":
		return "subscriptions live in the archive: if serve --crawl-every holds it, it delivers itself; stop it for a moment to change a subscription, or change it between cron runs"
	case cmd == "serve" && mode != sppcrawl.OpenReads:
		return "serve --crawl-every needs it for writing: stop the crawl or the other serve --crawl-every, or run serve without --crawl-every"
	case mode == sppcrawl.OpenReads || mode == sppcrawl.OpenSalvagesRead:
		return "a crawl or serve --crawl-every holds it for writing: wait for it (--lock-timeout), or pull from serve's API instead"
	}
	return "if it is sppcrawl serve, let serve crawl (--crawl-every) or stop it"
}

// name is the archive as output names it: a database without its password.
func (f *archiveFlags) name() string {
	if postgres.IsDSN(f.path) {
		return postgres.Redact(f.path)
	}
	return f.path
}

// openedArchive is the archive the command opened: in PostgreSQL, else
// the file (nil for none).
func (c *cli) openedArchive() sppcrawl.Archive {
	switch {
	case c.pg != nil:
		return c.pg
	case c.opened != nil:
		return c.opened
	}
	return nil // not a nil *store.DB in an interface
}
