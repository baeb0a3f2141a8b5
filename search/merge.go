package search

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// automerge is how many segments of one level FTS5 lets gather before it
// merges them into one of the next level (its default: 4). A crawl's
// catch-ups write a segment each, and at 4 FTS5 rewrote what it had just
// written at every fourth one: merging was a fifth of indexing's CPU
// (BenchmarkIndex: 0.92 → 0.72 ms an article for a rebuild, 3.2 → 2.5 ms
// for cron runs of 20), for an index ~15 % larger and searches that read a
// few more segments (p99 of both kinds still ~10 ms at 4,000 articles).
const automerge = 8

// mergeTables are the FTS tables whose merging automerge sets.
var mergeTables = []string{"tri", "uni"}

// setMerging gives the FTS tables the index's automerge, inside tx.
func setMerging(ctx context.Context, tx *sql.Tx) error {
	for _, t := range mergeTables {
		q := `INSERT INTO ` + t + `(` + t + `, rank) VALUES('automerge', ` + strconv.Itoa(automerge) + `)`
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("set %s automerge: %w", t, err)
		}
	}
	return nil
}

// mendMerging sets automerge, inside a catch-up's transaction tx, on an
// index an earlier release made with FTS5's default (the setting is the
// file's, kept in its config tables); an index already set is only read.
// Not at Open: a read there would meet a damaged file before the paths
// that report damage in words.
func mendMerging(ctx context.Context, tx *sql.Tx) error {
	var v sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT v FROM tri_config WHERE k='automerge'`).Scan(&v)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("read automerge: %w", err)
	}
	if v.Valid && v.Int64 == automerge {
		return nil
	}
	return setMerging(ctx, tx)
}
