package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sppcrawl/extract"
)

// SinceJSON is Since without decoding: the articles' stored JSON (copies), in
// seq order, and the seq of the last one (after, when there is none). The
// HTTP API splices these into its answers.
func (db *DB) SinceJSON(ctx context.Context, after uint64, limit int) ([][]byte, uint64, error) {
	var out [][]byte
	last := after
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			out = append(out, bytes.Clone(v))
			last = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	return out, last, err
}

// GetJSON returns the stored JSON of one article, or ErrNotFound.
func (db *DB) GetJSON(ctx context.Context, id string) ([]byte, error) {
	var v []byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if seq, ok := seqOf(tx, id); ok {
			if got := tx.Bucket(bucketArticles).Get(u64(seq)); got != nil {
				v = bytes.Clone(got)
				return nil
			}
		}
		return fmt.Errorf("article %s: %w", id, ErrNotFound)
	})
	return v, err
}

// Latest returns up to n articles, most recently created or updated first,
// that keep accepts (nil keeps all).
func (db *DB) Latest(ctx context.Context, n int, keep func(*extract.Article) bool) ([]*extract.Article, error) {
	var out []*extract.Article
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			a, err := decodeArticle(v)
			if err != nil {
				return fmt.Errorf("seq %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if a != nil && (keep == nil || keep(a)) {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, err
}

// Generation changes whenever exported data changes (an article created,
// updated or given an alias); readers use it to validate caches and ETags.
func (db *DB) Generation(ctx context.Context) (uint64, error) {
	var g uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyGeneration); len(v) == 8 {
			g = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return g, err
}

// LatestInChannel returns up to n articles of one channel (channel_path),
// newest published first. It walks the channel index, so a small channel is
// as cheap as a big one whatever the size of the archive.
func (db *DB) LatestInChannel(ctx context.Context, path string, n int) ([]*extract.Article, error) {
	var out []*extract.Article
	prefix := append([]byte(path), 0)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChanIdx).Cursor()
		// The key after the channel's last one starts with path + "\x01".
		k, _ := c.Seek(append([]byte(path), 1))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, _ = c.Prev() {
			id := string(k[len(prefix)+8:])
			r, err := getRecord(tx, id)
			if err != nil {
				return err
			}
			if r != nil {
				out = append(out, r.Article)
			}
		}
		return nil
	})
	return out, err
}
