package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultRetryFor is how long a transaction is retried while the database
// is away (a restart, a failover, connections ended by an administrator).
const defaultRetryFor = time.Minute

// WithRetryFor sets how long a transaction is retried while the database
// is away (default a minute; 0: never).
func WithRetryFor(d time.Duration) Option { return func(db *DB) { db.retryFor = d } }

// tx runs fn in a transaction, committed when fn returns nil. When the
// connection fails, it runs fn again on a new one until retryFor has
// passed or ctx ends: each transaction is whole or nothing, and what an
// upsert does is decided afresh inside it, so a retry after a commit whose
// answer was lost finds the article stored (Unchanged). fn must set its
// results afresh each time.
func (db *DB) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	if db.snap != nil {
		return ErrSnapshot
	}
	var deadline time.Time
	for backoff := 100 * time.Millisecond; ; backoff = min(2*backoff, 5*time.Second) {
		err := pgx.BeginFunc(ctx, db.pool, fn)
		if err == nil {
			db.commits.Add(1)
			return nil
		}
		db.failures.Add(1)
		if deadline.IsZero() {
			deadline = time.Now().Add(db.retryFor)
		}
		if !connectionLost(err) || ctx.Err() != nil || time.Now().Add(backoff).After(deadline) {
			return err
		}
		wait(ctx, backoff)
	}
}

// connectionLost reports whether err says the connection or the server
// went away, rather than that the statement was refused.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exception; 57P01–03: shut down, crashed, starting.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	return pgconn.SafeToRetry(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &netErr) || errors.Is(err, net.ErrClosed)
}
