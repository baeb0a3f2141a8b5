package store

import (
	"fmt"
	"os"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// Where opens check the page structure (structure.go): a write open before
// bbolt opens the file for writing, a read-only open after bbolt's own
// open, each under the file's lock, each skipped when the file's stamp
// says nothing wrote it since it was found sound (stamp_linux.go).

// checkBeforeWrite checks the structure of the archive at path before it is
// opened for writing, under a shared lock (no writer is half-way through a
// commit meanwhile). A new or empty file has none to check.
func checkBeforeWrite(path string, opts Options) error {
	if fi, err := os.Stat(path); opts.ReadOnly || err != nil || fi.Size() == 0 {
		return nil
	}
	var file *os.File
	var bdb *bolt.DB
	err := guard(path, func() (err error) {
		bdb, err = bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true, Timeout: opts.Timeout,
			OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
				f, err := os.OpenFile(name, flag, perm)
				file = f
				return f, err
			}})
		return err
	})
	if err != nil {
		if file != nil {
			file.Close() // bbolt failed: its lock goes with the file
		}
		return err // Open says what it is (damaged, locked, no archive)
	}
	defer bdb.Close()
	rep, err := checkUnlessStamped(bdb, file, path, opts.CheckPages)
	if err != nil {
		return err
	}
	return rep.err(path)
}

// fullChecks counts the structure checks made (tests: a stamped file is
// not checked).
var fullChecks atomic.Int64

// checkUnlessStamped checks the structure of the file bbolt opened from f,
// unless its stamp says nothing wrote it since it was found sound; a sound
// file is stamped.
func checkUnlessStamped(bdb *bolt.DB, f *os.File, path string, always bool) (structureReport, error) {
	txid, err := txidOf(bdb, path)
	if err != nil {
		return structureReport{}, err
	}
	if !always && stamped(f, txid) {
		return structureReport{}, nil
	}
	fullChecks.Add(1)
	fi, err := f.Stat()
	if err != nil {
		return structureReport{}, fmt.Errorf("open archive %s: %w", path, err)
	}
	rep, err := checkStructure(f, fi.Size())
	if err != nil {
		return rep, fmt.Errorf("open archive %s: check its pages: %w", path, err)
	}
	if len(rep.Problems) == 0 {
		setStamp(f, txid)
	}
	return rep, nil
}

// txidOf is the file's last committed transaction.
func txidOf(bdb *bolt.DB, path string) (uint64, error) {
	var txid uint64
	err := guard(path, func() error {
		return bdb.View(func(tx *bolt.Tx) error {
			txid = uint64(tx.ID())
			return nil
		})
	})
	return txid, err
}

// checkPages checks the pages of a file opened read-only, under its shared
// lock (a write open has checked them in checkBeforeWrite). A damaged file
// is refused, or, for a Salvage open, kept closed to bbolt: verify and
// serve say what is damaged instead of reading it.
func (db *DB) checkPages(file *os.File, opts Options) error {
	if !opts.ReadOnly {
		return nil
	}
	rep, err := checkUnlessStamped(db.bolt, file, db.path, opts.CheckPages)
	if err != nil {
		return err
	}
	damage := rep.err(db.path)
	if damage != nil && opts.Salvage {
		db.openDamage, db.broken, db.structure = damage, damage, &rep
		return nil
	}
	return damage
}
