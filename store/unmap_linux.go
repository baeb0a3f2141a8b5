//go:build linux

package store

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// unmapFile unmaps every mapping of this process of the file at path. A
// bolt.Open that panics leaves its mapping behind, and a mapping keeps the
// file's lock (it holds the open file): unmapped, the archive can be opened
// again, read-only, to be verified. Only used after such a panic, and not
// while another DB of this process has the file open (its reads would fault).
func unmapFile(path string) {
	abs, err := filepath.Abs(path)
	if err != nil || inUse(abs) {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	var ranges [][2]uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[len(fields)-1] != abs {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		from, err1 := strconv.ParseUint(lo, 16, 64)
		to, err2 := strconv.ParseUint(hi, 16, 64)
		if ok && err1 == nil && err2 == nil {
			ranges = append(ranges, [2]uint64{from, to})
		}
	}
	f.Close()
	for _, r := range ranges {
		// The mapping is outside the Go heap: a pointer made from its
		// address is one the collector never tracks.
		unix.Munmap(unsafe.Slice((*byte)(unsafe.Add(nil, uintptr(r[0]))), r[1]-r[0]))
	}
}
