package store

import (
	"bytes"
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

// CorruptArticle damages the stored record of id as a disk would: bytes of
// its compressed JSON flipped, its header left as it was (tests).
func CorruptArticle(db *DB, id string) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		seq, ok := seqOf(tx, id)
		if !ok {
			return ErrNotFound
		}
		b := tx.Bucket(bucketArticles)
		v := append([]byte(nil), b.Get(u64(seq))...)
		for i := len(v) / 2; i < len(v)/2+8 && i < len(v); i++ {
			v[i] ^= 0x5a
		}
		return b.Put(u64(seq), v)
	})
}

// CorruptRecord replaces a crawl record (bucket channels, failures, runs)
// by bytes that are not JSON (tests).
func CorruptRecord(db *DB, bucket, key string) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucket)).Put([]byte(key), []byte("\x00\xff not json"))
	})
}

// ForgetMediaDue makes the archive one written before the media due list:
// the list and its mark gone (tests).
func ForgetMediaDue(db *DB) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketMediaDue); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(keyMediaDueFilled)
	})
}

// DropIndexEntries deletes every entry of the URL, content-hash and
// channel indexes, as a file that lost those pages (tests).
func DropIndexEntries(db *DB) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketURLs, bucketHashes, bucketChanIdx} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// CompressRaw compresses body as a raw page body is stored, into dst
// (tests).
func CompressRaw(db *DB, body []byte, dst *bytes.Buffer) { db.raw.compress(body, dst) }
