package store

import (
	"context"
	"errors"
	"fmt"

	"sppcrawl"
)

// Salvaged replaces db, an archive whose page structure is damaged
// (Broken), by a copy of what its sound pages hold (Salvage), and opens
// the copy as sppcrawl.OpenSalvages does, for the repair and the
// verification that follow. db is closed whatever the outcome, so the
// caller holds the copy alone; o gives the lock's wait and the rest of
// the copy's options. The damaged file is kept beside it (the report's
// Aside).
func (db *DB) Salvaged(ctx context.Context, o Options) (*DB, SalvageReport, error) {
	path := db.Path()
	if err := db.Close(); err != nil {
		return nil, SalvageReport{}, fmt.Errorf("salvage %s: %w", path, err)
	}
	rep, err := Salvage(ctx, path, o.Timeout)
	if errors.Is(err, ErrLocked) {
		err = fmt.Errorf("%w; a salvage replaces the file: stop the crawl or serve using it first", err)
	}
	if err != nil {
		return nil, rep, err
	}
	salvaged, err := OpenAs(ctx, path, sppcrawl.OpenSalvages, o)
	if err != nil {
		return nil, rep, fmt.Errorf("the salvaged copy does not open (the damaged file is at %s): %w", rep.Aside, err)
	}
	return salvaged, rep, nil
}
