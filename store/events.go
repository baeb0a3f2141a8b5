package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

// The events bucket is push's outbox: every change that gives an article a
// new seq writes its event there in the same transaction, and events are
// never compacted (the articles log keeps only each article's latest
// seq). An archive of an earlier release has no event for the seqs it
// wrote: those are read from the articles log itself (see Events).
var bucketEvents = []byte("events") // seq (8 bytes) → sppcrawl.Event (JSON)

// putEvent records what moved a to its new seq.
func putEvent(tx *bolt.Tx, typ sppcrawl.EventType, a *sppcrawl.Article, at time.Time) error {
	b := tx.Bucket(bucketEvents)
	if b == nil {
		return nil // opened before its bucket existed: read from the log instead
	}
	v, err := json.Marshal(sppcrawl.Event{Seq: a.Seq, Type: typ, ID: a.ID, Version: a.Version, At: at})
	if err != nil {
		return err
	}
	return b.Put(u64(a.Seq), v)
}

// Events returns up to limit events with seq > after, in seq order: those
// recorded, and for the seqs an earlier release wrote without one, the
// event read from the article stored there (created for a first version,
// updated for a later one, withdrawn when it is).
func (db *DB) Events(ctx context.Context, after uint64, limit int) ([]sppcrawl.Event, error) {
	var out []sppcrawl.Event
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var ec *bolt.Cursor
		if b := tx.Bucket(bucketEvents); b != nil {
			ec = b.Cursor()
		}
		ac := tx.Bucket(bucketArticles).Cursor()
		start := u64(after + 1)
		ek, ev := seek(ec, start)
		ak, av := ac.Seek(start)
		for len(out) < limit && (ek != nil || ak != nil) {
			if err := ctx.Err(); err != nil {
				return err
			}
			switch c := compareKeys(ek, ak); {
			case c <= 0: // a recorded event (and, if equal, its article)
				var e sppcrawl.Event
				if err := json.Unmarshal(ev, &e); err != nil {
					return fmt.Errorf("event %d: %w", seqKey(ek), undecodable("%v", err))
				}
				out = append(out, e)
				if c == 0 {
					ak, av = ac.Next()
				}
				ek, ev = ec.Next()
			default: // an article of an earlier release, without its event
				if e, ok := derivedEvent(seqKey(ak), av); ok {
					out = append(out, e)
				}
				ak, av = ac.Next()
			}
		}
		return nil
	})
	return out, err
}

func seek(c *bolt.Cursor, k []byte) ([]byte, []byte) {
	if c == nil {
		return nil, nil
	}
	return c.Seek(k)
}

// compareKeys orders two seq keys, nil (the end) after any.
func compareKeys(a, b []byte) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return bytes.Compare(a, b)
}

// derivedEvent is the event of an article record that has none recorded.
func derivedEvent(seq uint64, v []byte) (sppcrawl.Event, bool) {
	a, err := decodeArticle(v)
	if err != nil || a == nil {
		return sppcrawl.Event{}, false // a damaged record: verify reports it
	}
	e := sppcrawl.Event{Seq: seq, Type: sppcrawl.EventCreated, ID: a.ID, Version: a.Version, At: a.UpdatedAt}
	switch {
	case !a.WithdrawnAt.IsZero():
		e.Type, e.At = sppcrawl.EventWithdrawn, a.WithdrawnAt
	case a.Version > 1:
		e.Type = sppcrawl.EventUpdated
	}
	return e, true
}
