// Package storetest damages archive files as a disk would, for the tests of
// the packages that read them; it lives beside store, the only importer of bbolt.
package storetest

import (
	"encoding/binary"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The tests of the readers damage archives as a disk would; only here does
// a package beside store open the file with bbolt, to play that disk.

// CorruptArticle flips bytes in the middle of the stored record of the
// article at seq in the archive file at path (closed).
func CorruptArticle(tb testing.TB, path string, seq uint64) {
	tb.Helper()
	db, err := bolt.Open(path, 0o644, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("articles"))
		k := binary.BigEndian.AppendUint64(nil, seq)
		v := append([]byte(nil), b.Get(k)...)
		for i := len(v) / 2; i < len(v)/2+8 && i < len(v); i++ {
			v[i] ^= 0x5a
		}
		return b.Put(k, v)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Truncate writes a copy of the file at path cut to half of the pages in
// use (bbolt grows a file ahead of them: half the file may cut none).
func Truncate(tb testing.TB, path, copyPath string) {
	tb.Helper()
	var used int64
	b := viewThenRead(tb, path, func(tx *bolt.Tx) { used = tx.Size() })
	if err := os.WriteFile(copyPath, b[:used/2], 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Scramble writes a copy of the file at path with n bytes overwritten at
// pseudo-random places past its meta pages (the same places for a seed).
func Scramble(tb testing.TB, path, copyPath string, n int, seed uint64) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	x := seed | 1
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		i := 8192 + int(x%uint64(len(b)-8192))
		b[i] = byte(x >> 32)
	}
	if err := os.WriteFile(copyPath, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BreakLeaf writes a copy of the file at path whose first leaf page of
// bucket has its first entry pointing out of the page: damage to the
// file's structure, as a disk would do it (the page's records are lost).
func BreakLeaf(tb testing.TB, path, copyPath, bucket string) {
	tb.Helper()
	var root, size uint64
	b := viewThenRead(tb, path, func(tx *bolt.Tx) {
		root, size = uint64(tx.Bucket([]byte(bucket)).Root()), uint64(tx.DB().Info().PageSize)
	})
	const header, branch, leaf = 16, 1, 2
	page := root
	for binary.LittleEndian.Uint16(b[page*size+8:]) == branch {
		page = binary.LittleEndian.Uint64(b[page*size+header+8:]) // the first child
	}
	if binary.LittleEndian.Uint16(b[page*size+8:]) != leaf || page == 0 {
		tb.Fatalf("bucket %s: no leaf page under its root (an inline bucket?)", bucket)
	}
	binary.LittleEndian.PutUint32(b[page*size+header+4:], 0xFFFF0000) // pos of the first entry
	if err := os.WriteFile(copyPath, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// viewThenRead runs fn in a read transaction of the archive at path (not
// open elsewhere), then returns the file's bytes.
func viewThenRead(tb testing.TB, path string, fn func(*bolt.Tx)) []byte {
	tb.Helper()
	db, err := bolt.Open(path, 0o644, &bolt.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		fn(tx)
		return nil
	})
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Scribble overwrites, in place, 2 KB of every 16 KB of the file at path
// past its first 8 KB (its header and first pages stay readable, as when a
// disk loses sectors): damage for files other than the archive (the search
// index).
func Scribble(tb testing.TB, path string) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	x := uint64(0x9E3779B97F4A7C15)
	for off := 8192; off < len(b); off += 16384 {
		for i := off; i < min(off+2048, len(b)); i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[i] = byte(x >> 32)
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}
