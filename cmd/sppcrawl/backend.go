package main

import (
	"context"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
)

// The commands hold the archive as sppcrawl.Archive, whichever backend
// --db names. What only an archive file has (its path, how it was opened,
// damage to its pages) is reached through the small interfaces below.

// fileState is how an archive file was opened: read-only (beside a crawl)
// or for writing, and any damage to its pages found then. A database
// checks its own pages and is opened for writing.
type fileState interface {
	ReadOnly() bool
	OpenDamage() error
}

// pathed is an archive with a file of its own: its search index lies
// beside it.
type pathed interface{ Path() string }

// openDamage is the damage an archive file's pages were found to have on
// opening; nil for a database.
func openDamage(archive sppcrawl.Archive) error {
	if f, ok := archive.(fileState); ok {
		return f.OpenDamage()
	}
	return nil
}

// writable says whether the archive is open for writing and sound: a
// file says so itself; a database is, unless the command reads only.
func (c *cli) writable(archive sppcrawl.Archive) bool {
	if f, ok := archive.(fileState); ok {
		return !f.ReadOnly() && f.OpenDamage() == nil
	}
	return archive != nil && !c.mode().ReadOnly()
}

// stats reads the archive's stats: an archive file's after a read of every
// record's checksum (publish.CheckedStats); a database checks its own.
func stats(ctx context.Context, archive sppcrawl.Archive, now time.Time) (*publish.Stats, error) {
	if rc, ok := archive.(publish.RecordChecker); ok {
		return publish.CheckedStats(ctx, rc, now)
	}
	return publish.GatherStats(ctx, archive, now)
}
