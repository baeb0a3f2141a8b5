// Package storetest damages archive files as a disk would, for the tests of
// the packages that read them; it reads bbolt's page layout from the bytes
// (boltfile.go), so that store stays the only importer of bbolt.
package storetest

import (
	"encoding/binary"
	"os"
	"testing"
)

// CorruptArticle flips bytes in the middle of the stored record of the
// article at seq in the archive file at path (closed).
func CorruptArticle(tb testing.TB, path string, seq uint64) {
	tb.Helper()
	b, f := readBoltFile(tb, path)
	root, err := f.bucket("articles")
	if err != nil {
		tb.Fatal(err)
	}
	off, n, ok := f.find(root, binary.BigEndian.AppendUint64(nil, seq))
	if !ok {
		tb.Fatalf("%s: no article at seq %d", path, seq)
	}
	for i := off + n/2; i < off+n/2+8 && i < off+n; i++ {
		b[i] ^= 0x5a
	}
	writeFile(tb, path, b)
}

// Truncate writes a copy of the file at path cut to half of the pages in
// use (bbolt grows a file ahead of them: half the file may cut none).
func Truncate(tb testing.TB, path, copyPath string) {
	tb.Helper()
	b, f := readBoltFile(tb, path)
	writeFile(tb, copyPath, b[:min(f.usedBytes()/2, uint64(len(b)))])
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
	writeFile(tb, copyPath, b)
}

// BreakLeaf writes a copy of the file at path whose first leaf page of
// bucket has its first entry pointing out of the page: damage to the
// file's structure, as a disk would do it (the page's records are lost).
func BreakLeaf(tb testing.TB, path, copyPath, bucket string) {
	tb.Helper()
	b, f := readBoltFile(tb, path)
	root, err := f.bucket(bucket)
	if err != nil {
		tb.Fatal(err)
	}
	if root%f.pageSize != 0 {
		tb.Fatalf("bucket %s: no leaf page under its root (an inline bucket)", bucket)
	}
	page := f.firstLeaf(root)
	if f.flags(page) != leafFlag || page == 0 {
		tb.Fatalf("bucket %s: no leaf page under its root", bucket)
	}
	binary.LittleEndian.PutUint32(b[page+pageHeader+4:], 0xFFFF0000) // pos of the first entry
	writeFile(tb, copyPath, b)
}

// readBoltFile reads the archive at path (closed) and its layout.
func readBoltFile(tb testing.TB, path string) ([]byte, *boltFile) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := openBoltFile(b)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return b, f
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
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
