package store

import (
	"context"

	bolt "go.etcd.io/bbolt"
)

// RawValueSize is the stored size of an article's current raw page (tests).
func RawValueSize(db *DB, id string) int {
	n := 0
	db.bolt.View(func(tx *bolt.Tx) error {
		if k := rawKeyOf(tx, id); k != 0 {
			n = len(tx.Bucket(bucketRaw).Get(u64(k)))
		}
		return nil
	})
	return n
}

// RawIDs lists the ids of the articles that have a raw page (tests).
func RawIDs(db *DB, ctx context.Context) ([]string, error) { return db.rawIDs(ctx) }
