package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// A raw value is: 4-byte big-endian length of the JSON header, the header
// (sppcrawl.RawPage without the body), then the body compressed (see
// rawcodec.go).
func (db *DB) encodeRaw(p *sppcrawl.RawPage) ([]byte, error) {
	db.maybeMakeDict()
	hdr, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(4 + len(hdr) + len(p.Body)/4 + 64) // room for the page compressed (~15 %: see rawLevel)
	buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(hdr))))
	buf.Write(hdr)
	db.raw.compress(p.Body, &buf)
	return buf.Bytes(), nil
}

// rawHeader decodes the header of a raw value (the page without its body).
func rawHeader(v []byte) (*sppcrawl.RawPage, error) {
	if len(v) < 4 {
		return nil, fmt.Errorf("raw page record too short")
	}
	n := binary.BigEndian.Uint32(v)
	if int(n) > len(v)-4 {
		return nil, fmt.Errorf("raw page header length %d beyond record", n)
	}
	var p sppcrawl.RawPage
	if err := json.Unmarshal(v[4:4+n], &p); err != nil {
		return nil, fmt.Errorf("raw page header: %w", err)
	}
	return &p, nil
}

func decodeRaw(v []byte, c *rawCodec) (*sppcrawl.RawPage, error) {
	p, err := rawHeader(v)
	if err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(v)
	if p.Body, err = c.decompress(v[4+n:]); err != nil {
		return nil, fmt.Errorf("raw page body: %w", err)
	}
	return p, nil
}

// putRawOf stores the page of an article's current version under a new raw
// key (always the last: the bucket fills like a log) and points the article
// at it. The page it replaces stays, for the version it belongs to. A page
// stored whole settles a pending repair.
func putRawOf(tx *bolt.Tx, id string, v []byte) error {
	raws := tx.Bucket(bucketRaw)
	key, err := raws.NextSequence()
	if err != nil {
		return err
	}
	raws.FillPercent = 1.0
	if err := raws.Put(u64(key), v); err != nil {
		return err
	}
	if err := tx.Bucket(bucketRawOf).Put([]byte(id), u64(key)); err != nil {
		return err
	}
	return tx.Bucket(bucketRepair).Delete([]byte(id))
}

// rawKeyOf is the raw key of an article's current page, 0 when it has none.
func rawKeyOf(tx *bolt.Tx, id string) uint64 {
	if v := tx.Bucket(bucketRawOf).Get([]byte(id)); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (db *DB) getRaw(tx *bolt.Tx, key uint64) (*sppcrawl.RawPage, error) {
	v := tx.Bucket(bucketRaw).Get(u64(key))
	if v == nil {
		return nil, ErrNotFound
	}
	return decodeRaw(v, db.raw) // decodes into fresh memory
}

// Raw returns the raw page of an article's current version.
func (db *DB) Raw(ctx context.Context, id string) (*sppcrawl.RawPage, error) {
	var p *sppcrawl.RawPage
	err := db.view(ctx, func(tx *bolt.Tx) error {
		key := rawKeyOf(tx, id)
		if key == 0 {
			return fmt.Errorf("raw page of %s: %w", id, ErrNotFound)
		}
		var err error
		if p, err = db.getRaw(tx, key); err != nil {
			return fmt.Errorf("raw page of %s: %w", id, err)
		}
		return nil
	})
	return p, err
}

// rawIDs lists the ids of every article that has a raw page.
func (db *DB) rawIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRawOf).ForEach(func(id, _ []byte) error {
			ids = append(ids, string(id))
			return nil
		})
	})
	return ids, err
}

// ForEachRaw calls fn for every stored raw page, every version's, in the
// order they were stored. The pages are decoded one at a time, outside the
// read transaction's pages: fn may take its time.
func (db *DB) ForEachRaw(ctx context.Context, fn func(*sppcrawl.RawPage) error) error {
	var next uint64 = 1
	for {
		var p *sppcrawl.RawPage
		err := db.view(ctx, func(tx *bolt.Tx) error {
			k, v := tx.Bucket(bucketRaw).Cursor().Seek(u64(next))
			if k == nil {
				return nil
			}
			next = binary.BigEndian.Uint64(k) + 1
			var err error
			if p, err = decodeRaw(v, db.raw); err != nil {
				return fmt.Errorf("raw page %d: %w", next-1, err)
			}
			return nil
		})
		if err != nil || p == nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}
