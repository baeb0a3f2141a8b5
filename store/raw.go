package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"

	"sppcrawl/extract"
)

// A raw value is: 4-byte big-endian length of the JSON header, the header
// (extract.RawPage without the body), then the body gzipped.
func encodeRaw(p *extract.RawPage) ([]byte, error) {
	hdr, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(4 + len(hdr) + len(p.Body)/4)
	buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(hdr))))
	buf.Write(hdr)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(p.Body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeRaw(v []byte) (*extract.RawPage, error) {
	if len(v) < 4 {
		return nil, fmt.Errorf("raw page record too short")
	}
	n := binary.BigEndian.Uint32(v)
	if int(n) > len(v)-4 {
		return nil, fmt.Errorf("raw page header length %d beyond record", n)
	}
	var p extract.RawPage
	if err := json.Unmarshal(v[4:4+n], &p); err != nil {
		return nil, fmt.Errorf("raw page header: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(v[4+n:]))
	if err != nil {
		return nil, fmt.Errorf("raw page body: %w", err)
	}
	if p.Body, err = io.ReadAll(zr); err != nil {
		return nil, fmt.Errorf("raw page body: %w", err)
	}
	return &p, nil
}

// putRaw stores a raw page under the seq of the article version it belongs
// to: always a new, last key, so the bucket is filled like a log.
func putRaw(tx *bolt.Tx, seq uint64, v []byte) error {
	if v == nil {
		return nil
	}
	b := tx.Bucket(bucketRaw)
	b.FillPercent = 1.0
	return b.Put(u64(seq), v)
}

// Raw returns the stored raw page of an article.
func (db *DB) Raw(ctx context.Context, id string) (*extract.RawPage, error) {
	var p *extract.RawPage
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var v []byte
		if seq, ok := seqOf(tx, id); ok {
			v = tx.Bucket(bucketRaw).Get(u64(seq))
		}
		if v == nil {
			return fmt.Errorf("raw page of %s: %w", id, ErrNotFound)
		}
		var err error
		p, err = decodeRaw(v) // decodes into fresh memory
		if err != nil {
			return fmt.Errorf("raw page of %s: %w", id, err)
		}
		return nil
	})
	return p, err
}

// RawIDs lists the ids of every article that has a raw page.
func (db *DB) RawIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		raws := tx.Bucket(bucketRaw)
		return tx.Bucket(bucketIDs).ForEach(func(id, seq []byte) error {
			if raws.Get(seq) != nil {
				ids = append(ids, string(id))
			}
			return nil
		})
	})
	return ids, err
}
