package postgres

import (
	"context"
	"time"

	"sppcrawl"
)

// connectTimeout bounds the connection to the database and the schema's
// upgrade when a command opens the archive.
const connectTimeout = 30 * time.Second

// OpenAs opens the archive in the database dsn names as a command's mode
// says: nil for OpenNone, else the archive (Open, within connectTimeout).
// Every other mode is the same open: the database checks its own pages,
// its readers and writers do not shut each other out, and it exists once
// it is named.
func OpenAs(ctx context.Context, dsn string, mode sppcrawl.OpenMode, opts ...Option) (*DB, error) {
	if mode == sppcrawl.OpenNone {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	return Open(ctx, dsn, opts...)
}
