package store

import (
	"context"
	"fmt"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// bucketUnparsed keeps the pages found at article URLs that no template of
// their site reads (extract's unknown layout), as raw values (see raw.go)
// by URL: a site's fixtures follow evidence, not every template it has,
// so what a crawl did not understand is kept for reextract to read once
// the site's adapter does. A page stored as an article leaves it.
var bucketUnparsed = []byte("unparsed")

// maxUnparsedURL bounds the URLs kept as keys (bbolt's keys are short).
const maxUnparsedURL = 2048

// KeepUnparsed keeps the raw page of a page at an article URL that no
// template of its site reads, replacing the one kept before.
func (db *DB) KeepUnparsed(ctx context.Context, raw *sppcrawl.RawPage) error {
	if len(raw.URL) > maxUnparsedURL {
		return fmt.Errorf("keep unparsed page %.80s…: URL over %d bytes", raw.URL, maxUnparsedURL)
	}
	v, err := db.encodeRaw(raw)
	if err != nil {
		return fmt.Errorf("keep unparsed page %s: %w", raw.URL, err)
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUnparsed).Put([]byte(raw.URL), v)
	})
}

// Unparsed lists the URLs of the pages kept unparsed.
func (db *DB) Unparsed(ctx context.Context) ([]string, error) {
	var out []string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnparsed)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error { out = append(out, string(k)); return nil })
	})
	return out, err
}

// UnparsedPage is the page kept unparsed at url, nil if none.
func (db *DB) UnparsedPage(ctx context.Context, url string) (*sppcrawl.RawPage, error) {
	var p *sppcrawl.RawPage
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUnparsed)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(url))
		if v == nil {
			return nil
		}
		var err error
		p, err = decodeRaw(v, db.raw)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("unparsed page %s: %w", url, err)
	}
	return p, nil
}

// dropUnparsed forgets the page kept unparsed at url: it is stored as an
// article now.
func dropUnparsed(tx *bolt.Tx, url string) error {
	if b := tx.Bucket(bucketUnparsed); b != nil {
		return b.Delete([]byte(url))
	}
	return nil
}
