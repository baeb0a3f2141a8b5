//go:build linux

package store

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// releaseMapping drops this process's page-table entries for the archive's
// memory map. The map is a shared file mapping, so the pages stay in the page
// cache and read back unchanged on the next touch; they just stop counting in
// our RSS. Every page a write appends is read once by the next write, so
// without this the RSS of a long crawl grows with the archive.
//
// Only the writer goroutine calls it, between commits: bbolt remaps only when
// a write transaction grows the file, so the range cannot move meanwhile.
// The range is taken from /proc/self/maps (bbolt does not export its length),
// never guessed.
func (db *DB) releaseMapping() {
	start := db.bolt.Info().Data
	if start == 0 {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rng, _, _ := strings.Cut(sc.Text(), " ")
		lo, hi, ok := strings.Cut(rng, "-")
		if !ok {
			continue
		}
		from, err1 := strconv.ParseUint(lo, 16, 64)
		to, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || uintptr(from) != start {
			continue
		}
		// The memory is bbolt's file mapping, outside the Go heap: a
		// pointer made from its address is one the collector never tracks.
		unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(nil, start)), to-from), unix.MADV_DONTNEED)
		return
	}
}
