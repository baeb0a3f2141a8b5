package crawler

import (
	"os"
	"runtime/debug"
)

// LimitMemory sets Go's soft memory limit for a crawl of parallel requests
// in flight, unless GOMEMLIMIT does: what a crawl holds live (the pages in
// flight and queued, the batch being indexed) is bounded by its settings,
// but Go lets the heap grow to twice what is live between collections,
// which was a third of a full crawl's peak RSS. The limit makes it collect
// sooner instead, at a few percent of CPU; it is soft, so a crawl that
// needs more still gets it. The returned func puts back the limit before
// (the process may go on: the tests run commands in theirs); a caller
// holds the limit until what follows the crawl (the search index's
// catch-up) is done too.
func LimitMemory(parallel int) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	before := debug.SetMemoryLimit(MemoryLimit(parallel))
	return func() { debug.SetMemoryLimit(before) }
}

// MemoryLimit is the soft limit of a crawl: 40 MiB at the default 2
// requests in flight.
func MemoryLimit(parallel int) int64 { return (32 + 4*int64(parallel)) << 20 }
