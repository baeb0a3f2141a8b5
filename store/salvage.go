package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A file whose page structure is damaged cannot be repaired in place:
// bbolt would write through the damage. Salvage copies what its sound pages
// hold into a new file, walking them with the same bounds-checked reads as
// the check (never bbolt's), as a database's recover does, and puts the
// copy in its place; the damaged file is kept beside it, never deleted.

// SalvageReport is what Salvage took from a damaged archive.
type SalvageReport struct {
	Path     string   `json:"path"`             // the archive: now the salvaged copy
	Aside    string   `json:"aside"`            // where the damaged file was moved
	Buckets  int      `json:"buckets"`          // buckets copied
	Records  int      `json:"records"`          // keys and values copied
	Damaged  int      `json:"damaged"`          // damaged places passed, with what lay under them
	Lost     int      `json:"lost"`             // records found but refused by bbolt (an empty key, a bucket's name)
	Problems []string `json:"problems"`         // the first of the damaged places, in words
	Schema   string   `json:"schema,omitempty"` // set when the schema record was lost with its page
}

func (r SalvageReport) String() string {
	return fmt.Sprintf("salvage: %d records in %d buckets copied, %d damaged places passed (what lay under them is lost), %d records refused; the damaged file is kept at %s",
		r.Records, r.Buckets, r.Damaged, r.Lost, r.Aside)
}

// Salvage replaces the damaged archive at path by a copy of every record
// its sound pages hold, and moves the damaged file aside (path.damaged-
// and the time). It takes the file's lock for writing, waiting up to
// timeout: no crawl or serve may be using it.
func Salvage(ctx context.Context, path string, timeout time.Duration) (SalvageReport, error) {
	rep := SalvageReport{Path: path, Problems: []string{}}
	f, err := os.Open(path)
	if err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	defer f.Close()
	if err := lockFile(f, timeout); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".salvage")
	os.Remove(tmp) // what an interrupted salvage left
	defer os.Remove(tmp)
	if err := copySound(ctx, f, tmp, &rep); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	rep.Aside = path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(path, rep.Aside); err != nil {
		return rep, fmt.Errorf("salvage %s: move the damaged file aside: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return rep, fmt.Errorf("salvage %s: put the copy in its place (the damaged file is at %s): %w", path, rep.Aside, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return rep, fmt.Errorf("salvage %s: %w", path, err)
	}
	return rep, nil
}

// copySound writes every bucket and record of the sound pages of f into a
// new bbolt file at to, synced.
func copySound(ctx context.Context, f *os.File, to string, rep *SalvageReport) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	out, err := bolt.Open(to, 0o644, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	w := &salvageWriter{db: out, rep: rep}
	c := &structureCheck{r: f, size: fi.Size(), visit: w.add}
	walkErr := c.walk()
	if walkErr == nil {
		walkErr = w.flush()
	}
	if walkErr == nil {
		walkErr = out.Update(func(tx *bolt.Tx) error {
			if err := seqsPastKeys(tx); err != nil {
				return err
			}
			return keepSchema(tx, rep)
		})
	}
	rep.Damaged, rep.Problems = c.rep.Damaged, append(rep.Problems, c.rep.Problems...)
	if walkErr == nil && ctx.Err() != nil {
		walkErr = ctx.Err()
	}
	if walkErr == nil {
		walkErr = out.Sync()
	}
	if err := out.Close(); walkErr == nil {
		walkErr = err
	}
	return walkErr
}

// salvageWriter puts what the walk finds into the new file, a batch at a
// time.
type salvageWriter struct {
	db    *bolt.DB
	rep   *SalvageReport
	batch []salvaged
}

type salvaged struct {
	bucket bucketPath
	k, v   []byte // k nil: the bucket itself
}

func (w *salvageWriter) add(b bucketPath, k, v []byte) error {
	w.batch = append(w.batch, salvaged{append(bucketPath(nil), b...), k, v})
	if len(w.batch) < 1000 {
		return nil
	}
	return w.flush()
}

func (w *salvageWriter) flush() error {
	err := w.db.Update(func(tx *bolt.Tx) error {
		for _, s := range w.batch {
			b, err := bucketAt(tx, s.bucket)
			switch {
			case err != nil:
				w.rep.Lost++
			case s.k == nil:
				w.rep.Buckets++
				if err := b.SetSequence(max(b.Sequence(), binary.LittleEndian.Uint64(s.v[8:]))); err != nil {
					return err
				}
			case b.Put(s.k, s.v) != nil:
				w.rep.Lost++
			default:
				w.rep.Records++
			}
		}
		return nil
	})
	w.batch = w.batch[:0]
	return err
}

// bucketAt is the bucket at path in tx, made if it is not there.
func bucketAt(tx *bolt.Tx, path bucketPath) (*bolt.Bucket, error) {
	if len(path) == 0 {
		return nil, errors.New("a record outside any bucket")
	}
	b, err := tx.CreateBucketIfNotExists(path[0])
	for _, name := range path[1:] {
		if err != nil {
			break
		}
		b, err = b.CreateBucketIfNotExists(name)
	}
	return b, err
}

// seqsPastKeys sets the sequence of every bucket keyed by sequence numbers
// (the articles, raw pages and events logs) past its last key, should the
// bucket's header have been lost: a new record must never take the key of
// one salvaged.
func seqsPastKeys(tx *bolt.Tx) error {
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		k, _ := b.Cursor().Last()
		if len(k) == 8 && binary.BigEndian.Uint64(k) > b.Sequence() {
			return b.SetSequence(binary.BigEndian.Uint64(k))
		}
		return nil
	})
}

// keepSchema writes the schema record if it was lost (or its bytes) while
// the archive's buckets were salvaged (else the copy would be taken for a
// foreign bbolt file): the records are taken as this release's.
func keepSchema(tx *bolt.Tx, rep *SalvageReport) error {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v, err := strconv.Atoi(string(meta.Get(keySchema))); err == nil && v >= 1 && v <= SchemaVersion {
			return nil
		}
	}
	ours := false
	for _, name := range allBuckets {
		ours = ours || tx.Bucket(name) != nil
	}
	if !ours {
		return nil
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	rep.Schema = fmt.Sprintf("the schema record was lost or damaged: the records are taken as schema %d's", SchemaVersion)
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}
