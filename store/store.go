package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Sentinel errors; check with errors.Is.
var (
	// ErrLocked: another process (a crawl, or serve) holds the archive.
	ErrLocked = errors.New("archive is locked: another sppcrawl (crawl or serve) holds it")
	// ErrNotArchive: the file exists but is not an sppcrawl/bbolt archive.
	ErrNotArchive = errors.New("not an sppcrawl archive (not a bbolt database)")
	// ErrNewerSchema: the archive was written by a newer sppcrawl.
	ErrNewerSchema = errors.New("archive written by a newer sppcrawl")
	// ErrNotFound: no such article or raw page.
	ErrNotFound = errors.New("not found")
	// ErrReadOnly: a write on an archive opened read-only.
	ErrReadOnly = errors.New("archive opened read-only")
	// ErrClosed: a write after Close.
	ErrClosed = errors.New("archive closed")
)

// SchemaVersion is the layout this code writes.
const SchemaVersion = 1

var (
	bucketMeta = []byte("meta")
	// The articles and raw buckets are logs keyed by seq (8 bytes, big
	// endian): the export cursor is a plain cursor over articles, and writes
	// append at the end, so a crawl touches only the tail of the file and its
	// memory map stays small however large the archive grows.
	bucketArticles = []byte("articles") // seq → article (JSON, as exported)
	bucketIDs      = []byte("ids")      // id → seq of its current version
	bucketHistory  = []byte("history")  // id → earlier revisions (JSON)
	bucketURLs     = []byte("urls")     // canonical URL or alias → id
	bucketHashes   = []byte("hashes")   // content hash → id
	bucketChecked  = []byte("checked")  // id → last_checked_at (unix nanos)
	bucketChanIdx  = []byte("chanidx")  // channel_path \x00 published (8 bytes) id → nil
	bucketRaw      = []byte("raw")      // seq → raw page of that version (header + gzip body)
	bucketChannels = []byte("channels") // channel path → ChannelState (JSON)
	bucketFailures = []byte("failures") // URL → Failure (JSON)
	bucketRuns     = []byte("runs")     // "last" → RunSummary (JSON)

	allBuckets = [][]byte{bucketMeta, bucketArticles, bucketIDs, bucketHistory, bucketURLs, bucketHashes,
		bucketChecked, bucketChanIdx, bucketRaw, bucketChannels, bucketFailures, bucketRuns}

	keySchema     = []byte("schema")
	keyGeneration = []byte("generation") // bumped by every change of exported data
)

// migrations[i] upgrades an archive from schema i+1 to i+2.
var migrations []func(*bolt.Tx) error

// Options tune Open.
type Options struct {
	// ReadOnly opens with a shared lock; writes fail with ErrReadOnly.
	ReadOnly bool
	// Timeout bounds the wait for the file lock (default 1s).
	Timeout time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// DB is an open archive. It is safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	now      func() time.Time
	w        writer
	counts   counters
}

// Open opens (or, unless read-only, creates) the archive at path.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
	}
	bdb, err := bolt.Open(path, 0o644, &bolt.Options{
		Timeout:        opts.Timeout,
		ReadOnly:       opts.ReadOnly,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true, // rebuilt on open; halves the write cost of each commit
	})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("open archive %s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("open archive %s: %w: %v", path, ErrNotArchive, err)
	case err != nil:
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: opts.ReadOnly, now: opts.Now}
	if err := db.checkSchema(); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		db.startWriter()
	}
	return db, nil
}

// Path is the archive's file name.
func (db *DB) Path() string { return db.path }

// Close releases the archive and its lock.
func (db *DB) Close() error {
	db.stopWriter()
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close archive %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) checkSchema() error {
	var version int
	var foreign bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			// A bbolt file with buckets of its own is someone else's database.
			k, _ := tx.Cursor().First()
			foreign = k != nil
			return nil
		}
		v, err := strconv.Atoi(string(meta.Get(keySchema)))
		if err != nil {
			foreign = true
			return nil
		}
		version = v
		return nil
	})
	if err != nil {
		return fmt.Errorf("open archive %s: %w", db.path, err)
	}
	switch {
	case foreign:
		return fmt.Errorf("open archive %s: %w (it holds other buckets)", db.path, ErrNotArchive)
	case version > SchemaVersion:
		return fmt.Errorf("open archive %s: %w (schema %d, this sppcrawl knows %d): upgrade sppcrawl", db.path, ErrNewerSchema, version, SchemaVersion)
	case version == SchemaVersion:
		return nil
	case db.readOnly && version == 0:
		return fmt.Errorf("open archive %s: empty archive (run crawl first)", db.path)
	case db.readOnly:
		return fmt.Errorf("open archive %s: schema %d needs an upgrade to %d: open it once read-write (crawl)", db.path, version, SchemaVersion)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		for v := max(version, 1); v < SchemaVersion; v++ {
			if err := migrations[v-1](tx); err != nil {
				return fmt.Errorf("migrate schema %d→%d: %w", v, v+1, err)
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
	if err != nil {
		return fmt.Errorf("open archive %s: %w", db.path, err)
	}
	return nil
}

func (db *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	return db.write(ctx, fn)
}

func (db *DB) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.bolt.View(fn)
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}
