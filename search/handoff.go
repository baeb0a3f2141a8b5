package search

import (
	"context"
	"slices"
	"sync"

	"sppcrawl"
)

// Handoff holds what a command just stored, as the index reads it, for
// the catch-up trailing it (Options.Handoff) to take instead of reading the
// articles back from the archive and decoding them again. It is only a
// shortcut of the same seq cursor, never a second source: a catch-up takes
// from it only the run of seqs right after its watermark, and only when
// the archive's log still holds every one of them (a version replaced
// since, or a seq given by another process, is read back). What does not
// fit its bounds, a batch's (batchSize articles, batchBytes of text), is
// not kept and is read back. Safe for concurrent use.
type Handoff struct {
	mu     sync.Mutex
	docs   map[uint64]indexable // by seq
	bytes  int
	closed bool // nothing takes from it any more: it keeps nothing
}

// NewHandoff is an empty hand-off.
func NewHandoff() *Handoff { return &Handoff{docs: map[uint64]indexable{}} }

// Stored is told of an article after its upsert returned (so committed):
// an article created is kept, under the seq and version the archive gave
// it. Other outcomes are read back, as what the archive stored of them is
// not the article fetched (a correction read at an alias keeps its
// channel, a restoration the stored text).
func (h *Handoff) Stored(a *sppcrawl.Article, res sppcrawl.UpsertResult) {
	if h == nil || a == nil || res.Outcome != sppcrawl.Created || res.Seq == 0 || res.ID != a.ID {
		return
	}
	d := indexableOf(a)
	d.version, d.withdrawn = res.Version, false // as create stores it
	d.fields[3] = slices.Clone(d.fields[3])     // the paragraphs: the caller's slice is not the index's
	if !d.validUTF8() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.docs) >= batchSize || h.bytes+d.bytes > batchBytes {
		return
	}
	if old, ok := h.docs[res.Seq]; ok {
		h.bytes -= old.bytes
	}
	h.docs[res.Seq] = d
	h.bytes += d.bytes
}

// close drops what h holds and keeps nothing more: the trail it served
// ended, or never started.
func (h *Handoff) close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed, h.docs, h.bytes = true, nil, 0
}

// take removes and returns the versions held for seqs after+1, after+2, …
// without a gap, up to limit; what it holds at or before after is dropped
// (indexed from the archive meanwhile).
func (h *Handoff) take(after uint64, limit int) []indexable {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s, d := range h.docs {
		if s <= after {
			delete(h.docs, s)
			h.bytes -= d.bytes
		}
	}
	var out []indexable
	for s := after + 1; len(out) < limit; s++ {
		d, ok := h.docs[s]
		if !ok {
			break
		}
		out = append(out, d)
		delete(h.docs, s)
		h.bytes -= d.bytes
	}
	return out
}

// handed is the run of versions held for the seqs after wm, up to limit,
// with the seq of its last, when the archive's log holds every seq of the
// run still: the run's k seqs are consecutive, so k records of the log
// between them are all of them. ok false: none held, or the log moved on
// (a version replaced since), and the run is read back instead.
func (h *Handoff) handed(ctx context.Context, arch Archive, wm int64, limit int) (docs []indexable, last int64, ok bool) {
	if h == nil || wm < 0 {
		return nil, wm, false
	}
	docs = h.take(uint64(wm), limit)
	if len(docs) == 0 {
		return nil, wm, false
	}
	last = wm + int64(len(docs))
	in, err := arch.CountAfter(ctx, uint64(wm))
	if err != nil {
		return nil, wm, false
	}
	beyond, err := arch.CountAfter(ctx, uint64(last))
	if err != nil || in-beyond != len(docs) {
		return nil, wm, false
	}
	return docs, last, true
}
