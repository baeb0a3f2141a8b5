package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"sppcrawl"
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
