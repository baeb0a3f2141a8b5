package store

import (
	"sync/atomic"

	"sppcrawl"
)

// Counters are what this process has written to the archive since Open
// (serve's /metrics shows them; the root package's).
type Counters = sppcrawl.Counters

type counters struct {
	commits, failures atomic.Uint64
	upserts           [sppcrawl.Restored + 1]atomic.Uint64
}

// Counters returns a snapshot of the write counters.
func (db *DB) Counters() Counters {
	c := Counters{Commits: db.counts.commits.Load(), CommitFailures: db.counts.failures.Load(), Upserts: map[sppcrawl.Outcome]uint64{}}
	for o := sppcrawl.Created; o <= sppcrawl.Restored; o++ {
		c.Upserts[o] = db.counts.upserts[o].Load()
	}
	return c
}
