package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sppcrawl"
)

// ErrSnapshot says a write was asked of an archive of one moment
// (Snapshot), which only reads.
var ErrSnapshot = errors.New("a snapshot of the archive only reads")

// snapshot is one REPEATABLE READ READ ONLY transaction every read of an
// archive of one moment goes through, one at a time (a transaction is one
// connection). Its rows are read whole before they are handed out, as the
// reader's are, so a caller may query again while it walks them.
type snapshot struct {
	mu sync.Mutex
	tx pgx.Tx
}

// Snapshot runs fn with an archive that reads the database as of one
// moment: its reads all go through one REPEATABLE READ READ ONLY
// transaction, so what fn reads is consistent however long it takes while
// writers go on (a backup, a verify); its writes fail with ErrSnapshot. The
// archive is fn's only while fn runs.
func (db *DB) Snapshot(ctx context.Context, fn func(*DB) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, db.pool, opts, func(tx pgx.Tx) error {
		// The snapshot is taken at the transaction's first statement.
		if _, err := tx.Exec(ctx, "SELECT 1"); err != nil {
			return err
		}
		return fn(&DB{pool: db.pool, dsn: db.dsn, name: db.name, mediaDir: db.mediaDir, now: db.now,
			pollEvery: db.pollEvery, upgraded: db.upgraded, snap: &snapshot{tx: tx}})
	})
	if err != nil {
		return fmt.Errorf("snapshot of %s: %w", db.name, err)
	}
	return nil
}

// ReadAsOf is Snapshot for what takes any archive (store.BackupFrom).
func (db *DB) ReadAsOf(ctx context.Context, fn func(sppcrawl.Archive) error) error {
	return db.Snapshot(ctx, func(s *DB) error { return fn(s) })
}

// Query runs sql in the snapshot and reads its rows whole.
func (s *snapshot) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, err := s.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return readRows(rows)
}

// QueryRow runs sql in the snapshot; Scan reads its first row.
func (s *snapshot) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := s.Query(ctx, sql, args...)
	return snapshotRow{rows: rows, err: err}
}

// Exec runs sql in the snapshot (read-only: a write is refused there).
func (s *snapshot) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tx.Exec(ctx, sql, args...)
}

type snapshotRow struct {
	rows pgx.Rows
	err  error
}

func (r snapshotRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	return r.rows.Scan(dest...)
}
