package store

import (
	"context"
	"errors"
	"time"

	"sppcrawl"
)

// OpenAs opens the archive at path as a command's mode says: nil for
// OpenNone, and for an absent archive where the mode takes none. o gives
// the rest (the lock's wait, CheckPages, Site); its ReadOnly, MustExist
// and Salvage are the mode's.
func OpenAs(ctx context.Context, path string, mode sppcrawl.OpenMode, o Options) (*DB, error) {
	switch mode {
	case sppcrawl.OpenNone:
		return nil, nil
	case sppcrawl.OpenReadsBeside:
		return openBeside(ctx, path, o)
	}
	o.ReadOnly = mode.ReadOnly()
	o.MustExist = mode != sppcrawl.OpenCreates
	o.Salvage = mode == sppcrawl.OpenSalvages || mode == sppcrawl.OpenSalvagesRead
	db, err := Open(path, o)
	if mode.MayBeAbsent() && errors.Is(err, ErrNoArchive) {
		return nil, nil
	}
	return db, err
}

// openBeside opens the archive read-only; while another process writes
// it, a copy of its subscriptions made beside that one (a serve
// --crawl-every holds the archive as long as it runs), trying for the
// lock's wait and at least a second.
func openBeside(ctx context.Context, path string, o Options) (*DB, error) {
	wait := o.Timeout
	o.ReadOnly, o.MustExist, o.Timeout = true, true, time.Millisecond
	db, err := Open(path, o)
	if errors.Is(err, ErrLocked) {
		return ReadSubscriptionsBeside(ctx, path, max(wait, time.Second))
	}
	return db, err
}
