package postgres

import (
	"context"
	"fmt"
)

// Size is the bytes the archive's tables take in the database, their
// indexes and TOAST (raw pages, media) included: what the archive costs
// on the server's disk, beside the database's own fixed overhead.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := db.rd().QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", db.name, err)
	}
	return n, nil
}
