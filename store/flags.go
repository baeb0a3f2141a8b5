package store

import (
	"errors"
	"flag"
	"fmt"
	"time"
)

// DefaultPath is the archive a command opens without --db.
const DefaultPath = "sppcrawl.db"

// Flags are a command's archive flags: --db and --lock-timeout.
type Flags struct {
	Path string
	Wait time.Duration
}

// Register defines the flags on fs; a reader waits longer for the lock than
// a writer, as a crawl may hold it for minutes.
func (f *Flags) Register(fs *flag.FlagSet, reader bool) {
	fs.StringVar(&f.Path, "db", DefaultPath, "archive file")
	wait, help := 2*time.Second, "how long to wait for the archive's lock"
	if reader {
		wait, help = 30*time.Second, "how long to wait while a crawl holds the archive"
	}
	fs.DurationVar(&f.Wait, "lock-timeout", wait, help)
}

// Check checks the flags' values.
func (f *Flags) Check() error {
	if f.Wait < 0 {
		return fmt.Errorf("--lock-timeout %s: must not be negative", f.Wait)
	}
	return nil
}

// Open opens the archive the flags name; a held lock comes with advice.
func (f *Flags) Open(readOnly bool) (*DB, error) {
	db, err := Open(f.Path, Options{ReadOnly: readOnly, Timeout: max(f.Wait, time.Millisecond)})
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("%w; if it is sppcrawl serve, let serve crawl (--crawl-every) or stop it", err)
	}
	return db, err
}
