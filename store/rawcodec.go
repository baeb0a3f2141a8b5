package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// Raw pages are compressed with zstd against a dictionary made of pages the
// archive already holds: every page of the site carries the same ~20 KB of
// template (header, navigation, footer, scripts), which the dictionary holds
// once, so a stored page costs little more than its article. The dictionary
// is kept in the archive (meta "rawdict:<id>") and chosen once the archive
// holds dictPages pages; until then pages are compressed without one. Pages
// stored by sppcrawl 0.1 in gzip stay readable: a body is told by its magic
// bytes, a zstd frame names its dictionary.

const (
	dictPages   = 32        // raw pages stored before a dictionary is made
	dictSamples = 4         // recent pages it is made of
	dictMax     = 128 << 10 // its size at most
	keyDictPref = "rawdict:"
)

// rawLevel is the raw pages' zstd level. Every page is a frame of its own,
// and a frame against a dictionary starts by copying the dictionary's match
// tables: 1.25 MB at the default level, which cost a crawl more than the
// compression itself (8 % of its CPU); the fastest level's are 256 KB. Its
// pages come out ~4 % larger, each against the template held once in the
// dictionary.
const rawLevel = zstd.SpeedFastest

// rawCodec compresses and decompresses raw page bodies.
type rawCodec struct {
	mu  sync.RWMutex
	enc *zstd.Encoder // with the newest dictionary, if any
	dec *zstd.Decoder // with every dictionary
	ids []uint32
	// making says a dictionary is being made (one at a time).
	making sync.Mutex
}

func newRawCodec(dicts map[uint32][]byte) (*rawCodec, error) {
	c := &rawCodec{}
	return c, c.load(dicts)
}

// load rebuilds the encoder and decoder for the dictionaries.
func (c *rawCodec) load(dicts map[uint32][]byte) error {
	dopts := []zstd.DOption{zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1 << 30)}
	eopts := []zstd.EOption{zstd.WithEncoderLevel(rawLevel), zstd.WithEncoderConcurrency(1)}
	var newest uint32
	var ids []uint32
	for id, d := range dicts {
		dopts = append(dopts, zstd.WithDecoderDictRaw(id, d))
		ids = append(ids, id)
		newest = max(newest, id)
	}
	if newest > 0 {
		eopts = append(eopts, zstd.WithEncoderDictRaw(newest, dicts[newest]))
	}
	dec, err := zstd.NewReader(nil, dopts...)
	if err != nil {
		return err
	}
	enc, err := zstd.NewWriter(nil, eopts...)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.enc, c.dec, c.ids = enc, dec, ids
	c.mu.Unlock()
	return nil
}

func (c *rawCodec) hasDict() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.ids) > 0
}

func (c *rawCodec) compress(body []byte, dst *bytes.Buffer) {
	c.mu.RLock()
	enc := c.enc
	c.mu.RUnlock()
	// Compressed into dst's own spare room: no buffer of the page's size
	// allocated, then copied, per page.
	dst.Write(enc.EncodeAll(body, dst.AvailableBuffer()))
}

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

func (c *rawCodec) decompress(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, zstdMagic):
		c.mu.RLock()
		dec := c.dec
		c.mu.RUnlock()
		return dec.DecodeAll(b, nil)
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	return nil, fmt.Errorf("raw page body of unknown encoding")
}

// loadDicts reads the archive's dictionaries.
func loadDicts(tx *bolt.Tx) map[uint32][]byte {
	dicts := map[uint32][]byte{}
	c := tx.Bucket(bucketMeta).Cursor()
	for k, v := c.Seek([]byte(keyDictPref)); k != nil && strings.HasPrefix(string(k), keyDictPref); k, v = c.Next() {
		if id, err := strconv.ParseUint(string(k[len(keyDictPref):]), 10, 32); err == nil {
			dicts[uint32(id)] = bytes.Clone(v)
		}
	}
	return dicts
}

// maybeMakeDict makes the archive's first dictionary once it holds enough
// pages: the newest dictSamples pages, concatenated. It runs at most once at
// a time, before a page is compressed, outside any transaction.
func (db *DB) maybeMakeDict() {
	c := db.raw
	if c.hasDict() || !c.making.TryLock() {
		return
	}
	defer c.making.Unlock()
	var samples [][]byte
	var n uint64
	db.viewTx(func(tx *bolt.Tx) error {
		raws := tx.Bucket(bucketRaw)
		n = raws.Sequence()
		if n < dictPages {
			return nil
		}
		cur := raws.Cursor()
		for k, v := cur.Last(); k != nil && len(samples) < dictSamples; k, v = cur.Prev() {
			if p, err := decodeRaw(v, c); err == nil {
				samples = append(samples, p.Body)
			}
		}
		return nil
	})
	if len(samples) < dictSamples {
		return
	}
	var d []byte
	for _, s := range samples {
		d = append(d, s[:min(len(s), dictMax/dictSamples)]...)
	}
	const id = 1
	err := db.write(context.Background(), func(tx *bolt.Tx) error {
		if loaded := loadDicts(tx); len(loaded) > 0 {
			d = loaded[id]
			return nil // made meanwhile (another process before this one)
		}
		return tx.Bucket(bucketMeta).Put([]byte(keyDictPref+strconv.Itoa(id)), d)
	})
	if err == nil && d != nil {
		c.load(map[uint32][]byte{id: d})
	}
}
