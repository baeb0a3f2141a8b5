package postgres

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// reader runs the archive's reads outside transactions, retried as writes
// are (see tx) when the connection is lost: a serve replica keeps
// answering through a database restart or failover. A query's rows are
// read whole before they are handed out, so a connection lost half-way
// through them is a retry of the query, never a page of rows cut short.
type reader struct{ db *DB }

// rd is the archive's reader.
func (db *DB) rd() reader { return reader{db} }

// retry runs fn again on a new connection while the last one was lost,
// for up to the archive's retryFor or until ctx ends.
func (r reader) retry(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(r.db.retryFor)
	for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, 5*time.Second) {
		err := fn()
		if err == nil || !connectionLost(err) || ctx.Err() != nil || time.Now().Add(backoff).After(deadline) {
			return err
		}
		wait(ctx, backoff)
	}
}

// QueryRow is pool.QueryRow whose Scan is retried (a snapshot's: its
// transaction's, once).
func (r reader) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if s := r.db.snap; s != nil {
		return s.QueryRow(ctx, sql, args...)
	}
	return retryRow{r: r, ctx: ctx, sql: sql, args: args}
}

// Exec is pool.Exec, not retried: reads need it only as a querier (a
// snapshot's runs in its read-only transaction).
func (r reader) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if s := r.db.snap; s != nil {
		return s.Exec(ctx, sql, args...)
	}
	return r.db.pool.Exec(ctx, sql, args...)
}

type retryRow struct {
	r    reader
	ctx  context.Context
	sql  string
	args []any
}

func (row retryRow) Scan(dest ...any) error {
	return row.r.retry(row.ctx, func() error {
		return row.r.db.pool.QueryRow(row.ctx, row.sql, row.args...).Scan(dest...)
	})
}

// Query is pool.Query with its rows read whole, retried until they are
// (a snapshot's: its transaction's, once).
func (r reader) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if s := r.db.snap; s != nil {
		return s.Query(ctx, sql, args...)
	}
	var b *bufferedRows
	err := r.retry(ctx, func() error {
		rows, err := r.db.pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		b, err = readRows(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// readRows reads rows whole and closes them.
func readRows(rows pgx.Rows) (*bufferedRows, error) {
	defer rows.Close()
	// Copies: once the rows close, the connection goes back to the pool,
	// and its next query reuses its descriptions and type map.
	b := &bufferedRows{fields: slices.Clone(rows.FieldDescriptions()), at: -1}
	for rows.Next() {
		raw := rows.RawValues()
		row := make([][]byte, len(raw))
		for i, v := range raw {
			if v != nil {
				row[i] = slices.Clone(v) // pgx reuses its buffer on Next
			}
		}
		b.rows = append(b.rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	b.tag = rows.CommandTag()
	return b, nil
}

// typeMaps decode buffered rows: a connection's own map is not safe to use
// once the connection serves another query, and the archive's columns are
// all of the built-in types a new map knows.
var typeMaps = sync.Pool{New: func() any { return pgtype.NewMap() }}

// bufferedRows are a query's rows read whole, as pgx.Rows.
type bufferedRows struct {
	fields []pgconn.FieldDescription
	rows   [][][]byte
	at     int
	tag    pgconn.CommandTag
	err    error
}

func (b *bufferedRows) Close()                                       {}
func (b *bufferedRows) Err() error                                   { return b.err }
func (b *bufferedRows) CommandTag() pgconn.CommandTag                { return b.tag }
func (b *bufferedRows) FieldDescriptions() []pgconn.FieldDescription { return b.fields }
func (b *bufferedRows) RawValues() [][]byte                          { return b.rows[b.at] }
func (b *bufferedRows) Conn() *pgx.Conn                              { return nil } // returned to the pool
func (b *bufferedRows) TypeMap() *pgtype.Map                         { return pgtype.NewMap() }

func (b *bufferedRows) Next() bool {
	if b.err != nil || b.at+1 >= len(b.rows) {
		return false
	}
	b.at++
	return true
}

func (b *bufferedRows) Scan(dest ...any) error {
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	if err := pgx.ScanRow(m, b.fields, b.rows[b.at], dest...); err != nil {
		b.err = err
		return err
	}
	return nil
}

func (b *bufferedRows) Values() ([]any, error) {
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	out := make([]any, len(b.fields))
	for i, f := range b.fields {
		if b.rows[b.at][i] == nil {
			continue
		}
		dt, ok := m.TypeForOID(f.DataTypeOID)
		if !ok {
			out[i] = string(b.rows[b.at][i])
			continue
		}
		v, err := dt.Codec.DecodeValue(m, f.DataTypeOID, f.Format, b.rows[b.at][i])
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
