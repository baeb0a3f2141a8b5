package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// defaultDB is the archive a command opens without --db.
const defaultDB = "sppcrawl.db"

// archiveMode is how a command opens the archive.
type archiveMode int

const (
	noArchive      archiveMode = iota
	reads                      // read-only, waiting while a crawl holds it; it must exist
	writes                     // for writing; it must exist
	creates                    // for writing, created when absent (crawl, fetch)
	readsIfExists              // read-only if there is one, else none (fetch --dry-run)
	salvages                   // for writing if it can be, read-only if damaged (verify)
	salvagesRead               // read-only, even if damaged (serve: it answers that it is)
	writesIfExists             // for writing if there is one, else none (channels --discover)
	readsBeside                // read-only; beside a process that writes it, a copy of the subscriptions
)

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

// open opens the archive in mode for the command named cmd; a held lock
// comes with advice for that command.
func (f *archiveFlags) open(mode archiveMode, cmd string) (*store.DB, error) {
	switch mode {
	case noArchive:
		return nil, nil
	case readsBeside:
		return f.openBeside()
	}
	opts := store.Options{ReadOnly: mode == reads || mode == readsIfExists || mode == salvagesRead, MustExist: mode != creates,
		Salvage: mode == salvages || mode == salvagesRead, CheckPages: f.checkPages, Timeout: max(f.wait, time.Millisecond)}
	db, err := store.Open(f.path, opts)
	switch {
	case (mode == readsIfExists || mode == writesIfExists) && errors.Is(err, store.ErrNoArchive):
		return nil, nil
	case errors.Is(err, store.ErrLocked):
		return nil, fmt.Errorf("%w; %s", err, lockAdvice(mode, cmd))
	}
	return db, err
}

// openBeside opens the archive read-only; while another process writes
// it, a copy of its subscriptions made beside that one (a serve
// --crawl-every holds the archive as long as it runs).
func (f *archiveFlags) openBeside() (*store.DB, error) {
	db, err := store.Open(f.path, store.Options{ReadOnly: true, MustExist: true, Timeout: time.Millisecond})
	if errors.Is(err, store.ErrLocked) {
		return store.ReadSubscriptionsBeside(context.Background(), f.path, max(f.wait, time.Second))
	}
	return db, err
}

// lockAdvice says what to do about the process holding the archive.
func lockAdvice(mode archiveMode, cmd string) string {
	switch {
	case cmd == "subscriptions" || cmd == "deliver":
		return "subscriptions live in the archive: if serve --crawl-every holds it, it delivers itself; stop it for a moment to change a subscription, or change it between cron runs"
	case cmd == "serve" && mode != reads:
		return "serve --crawl-every needs it for writing: stop the crawl or the other serve --crawl-every, or run serve without --crawl-every"
	case mode == reads || mode == salvagesRead:
		return "a crawl or serve --crawl-every holds it for writing: wait for it (--lock-timeout), or pull from serve's API instead"
	}
	return "if it is sppcrawl serve, let serve crawl (--crawl-every) or stop it"
}

// connectTimeout bounds the connection to PostgreSQL and the schema's
// upgrade when a command opens the archive.
const connectTimeout = 30 * time.Second

// name is the archive as output names it: a database without its password.
func (f *archiveFlags) name() string {
	if postgres.IsDSN(f.path) {
		return postgres.Redact(f.path)
	}
	return f.path
}

// openPostgres opens the archive in the PostgreSQL database --db names
// (nil for a command that opens none).
func (f *archiveFlags) openPostgres(mode archiveMode) (*postgres.DB, error) {
	if mode == noArchive {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	return postgres.Open(ctx, f.path)
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

// newCrawler makes the crawler of cfg, storing into the archive the
// command opened (none: nowhere).
func (c *cli) newCrawler(cfg *crawler.Config, db sppcrawl.Archive) (*crawler.Crawler, error) {
	return newCrawler(cfg, db)
}
