package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// bbolt panics when a page of the file is not what it should be (a file cut
// short, bytes flipped by a disk), and a page beyond the end of a truncated
// file faults. The archive is the only copy: every entry into bbolt goes
// through guard, which turns either into ErrDamaged, in words, so that no
// command panics and serve answers every request.

// ErrDamaged: the archive file is damaged; the error says where and what to
// run. It is the root package's, which every backend returns.
var ErrDamaged = sppcrawl.ErrDamaged

// guard runs fn, turning a panic or a memory fault inside it into
// ErrDamaged for the file at path.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged(path, r)
		}
	}()
	return fn()
}

func damaged(path string, why any) error {
	return fmt.Errorf("%w: %s: %v (sppcrawl verify --db %s says what; verify --repair salvages what it holds; or restore a backup)", ErrDamaged, path, why, path)
}

// damage is what readers of this process met that did not decode: records
// skipped (and said so), for /healthz.
type damage struct {
	mu      sync.Mutex
	records map[string]string // key (seq 12, raw 40) → why
	file    error             // the file itself, once bbolt found it damaged
}

func (d *damage) record(key, why string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.records == nil {
		d.records = map[string]string{}
	}
	d.records[key] = why
}

func (d *damage) fileDamaged(err error) {
	if errors.Is(err, ErrDamaged) {
		d.mu.Lock()
		d.file = err
		d.mu.Unlock()
	}
}

// Damage is what the readers of this process found damaged in the archive:
// the records skipped because they do not decode, and the file itself
// (ErrDamaged, nil when it reads).
func (db *DB) Damage() (records map[string]string, file error) {
	db.dmg.mu.Lock()
	defer db.dmg.mu.Unlock()
	out := make(map[string]string, len(db.dmg.records))
	for k, v := range db.dmg.records {
		out[k] = v
	}
	if db.dmg.file == nil {
		return out, db.openDamage
	}
	return out, db.dmg.file
}

// Skipped is the error of a read that went on past records that do not
// decode (the root package's: every backend reports skips alike).
type Skipped = sppcrawl.Skipped

// SkippedRecord is a record a read left out, and why.
type SkippedRecord = sppcrawl.SkippedRecord

// Partial separates what a read skipped from a failure (see
// sppcrawl.Partial).
func Partial(err error) ([]SkippedRecord, error) { return sppcrawl.Partial(err) }

// skips collects the records one read skips, noting each in the damage
// the process met.
type skips struct {
	db   *DB
	list []SkippedRecord
}

// skip takes err for the record at key: an undecodable record is noted
// and skipped (nil); any other error is returned.
func (s *skips) skip(key string, err error) error {
	if !errors.Is(err, ErrUndecodable) {
		return err
	}
	s.list = append(s.list, SkippedRecord{Key: key, Why: err.Error()})
	s.db.dmg.record(key, err.Error())
	return nil
}

// result is the read's error: *Skipped (holding err) if it skipped any,
// else err.
func (s *skips) result(err error) error {
	if len(s.list) == 0 {
		return err
	}
	return &Skipped{Records: s.list, Err: err}
}

// unopenable says why bbolt could not open the file at path in words, as
// ErrDamaged, when the file is a damaged bbolt file (both meta pages
// damaged, cut below the pages bbolt needs) rather than a file of another
// kind; any other error is returned as it was.
func unopenable(path string, err error) error {
	if err == nil || errors.Is(err, ErrDamaged) || errors.Is(err, bolterrors.ErrTimeout) {
		return err
	}
	f, oerr := os.Open(path)
	if oerr != nil {
		return err
	}
	defer f.Close()
	fi, serr := f.Stat()
	if serr != nil || !looksLikeBolt(f, fi.Size()) {
		return err
	}
	why := fmt.Sprintf("bbolt cannot open it: %v", err)
	if rep, cerr := checkStructure(f, fi.Size()); cerr == nil && len(rep.Problems) > 0 {
		why = rep.Problems[0] + "; " + why
	}
	if fi.Size() < 2*4096 {
		why += fmt.Sprintf(" (%d bytes: less than the two meta pages every archive begins with)", fi.Size())
	}
	return damaged(path, why)
}

// looksLikeBolt says whether a file of size bytes read through r is a bbolt
// file, damaged or not: a meta page's magic number where bbolt writes it,
// or a page (of any size bbolt uses) that names its own place in the file
// as every bbolt page does. A file of another kind has neither.
func looksLikeBolt(r io.ReaderAt, size int64) bool {
	le := binary.LittleEndian
	b := make([]byte, pageHeaderSize+8)
	for _, ps := range []int64{4096, 8192, 16384, 32768, 65536} {
		for _, off := range []int64{0, ps} {
			if _, err := r.ReadAt(b, off); err == nil && le.Uint32(b[pageHeaderSize:]) == metaMagic {
				return true
			}
		}
		for id := int64(2); id < 6 && (id+1)*ps <= size; id++ {
			if _, err := r.ReadAt(b, id*ps); err != nil {
				break
			}
			if flags := le.Uint16(b[8:]); le.Uint64(b) == uint64(id) && (flags == branchFlag || flags == leafFlag || flags == freelistFlag) {
				return true
			}
		}
	}
	return false
}

// unopened is the archive at path that bbolt cannot open at all (err, an
// ErrDamaged), for a Salvage open: nothing reads from it; verify lists what
// the check of its pages finds, and verify --repair salvages what its pages
// still hold.
func unopened(path string, err error, now func() time.Time) (*DB, error) {
	f, oerr := os.Open(path)
	if oerr != nil {
		return nil, err
	}
	defer f.Close()
	fi, serr := f.Stat()
	if serr != nil {
		return nil, err
	}
	rep, cerr := checkStructure(f, fi.Size())
	if cerr != nil {
		return nil, err
	}
	if len(rep.Problems) == 0 {
		rep.Problems, rep.Damaged = []string{err.Error()}, 1
	}
	return &DB{path: path, readOnly: true, now: now, openDamage: err, broken: err, structure: &rep}, nil
}

// CheckRecords reads every article record's header and checksum (a
// record's chunk carries its own CRC: nothing is inflated, so this reads
// the log at disk speed) and notes those that do not decode among what the
// process met (Damage), as a reader that skipped them would; it returns
// them.
func (db *DB) CheckRecords(ctx context.Context) ([]SkippedRecord, error) {
	sk := skips{db: db}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		sk.list = sk.list[:0]
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			if _, err := chunkIn(v); err != nil {
				return sk.skip(seqName(k), err)
			}
			return ctx.Err()
		})
	})
	return sk.list, err
}
