package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// Every stored article remembers when the site was last asked for it
// (checked), indexed by that time (checkidx) so a run can re-verify the
// articles checked longest ago without scanning the archive.

func checkKey(t uint64, id string) []byte {
	return append(u64(t), id...)
}

// setChecked records that the site answered for id at now.
func setChecked(tx *bolt.Tx, id string, now time.Time) error {
	checked, idx := tx.Bucket(bucketChecked), tx.Bucket(bucketCheckIdx)
	if old := checked.Get([]byte(id)); len(old) == 8 {
		if err := idx.Delete(checkKey(binary.BigEndian.Uint64(old), id)); err != nil {
			return err
		}
	}
	t := uint64(now.UnixNano())
	if err := checked.Put([]byte(id), u64(t)); err != nil {
		return err
	}
	return idx.Put(checkKey(t, id), nil)
}

// fetchedFine records a good answer for id: checked now, and an earlier
// sighting of its URL answering gone forgotten (one transient answer never
// counts).
func fetchedFine(tx *bolt.Tx, id string, now time.Time) error {
	if err := setChecked(tx, id, now); err != nil {
		return err
	}
	return tx.Bucket(bucketGone).Delete([]byte(id))
}

// goneMark is the first sighting of an article's URL answering gone.
type goneMark struct {
	At     time.Time `json:"at"`
	Run    time.Time `json:"run"` // the start of the run that saw it
	Reason string    `json:"reason"`
}

// DueRechecks returns up to n articles, those checked longest ago first,
// withdrawn ones included (they may come back). An article whose record
// does not decode comes without validators, at the URL of its stored page:
// the fresh answer replaces the record.
func (db *DB) DueRechecks(ctx context.Context, n int) ([]sppcrawl.Recheck, error) {
	return db.dueRechecks(ctx, n, func(string) bool { return true })
}

// dueRechecks is DueRechecks of the articles whose URL keep takes.
func (db *DB) dueRechecks(ctx context.Context, n int, keep func(url string) bool) ([]sppcrawl.Recheck, error) {
	var out []sppcrawl.Recheck
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCheckIdx).Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			if len(k) <= 8 {
				continue
			}
			rc, ok, err := db.recheckOf(tx, string(k[8:]), time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))))
			if err != nil {
				return err
			}
			if ok && keep(rc.URL) {
				out = append(out, rc)
			}
		}
		return nil
	})
	return out, err
}

// recheckOf is the re-verification of id; ok is false for an id no longer
// stored (its check entry outlived it).
func (db *DB) recheckOf(tx *bolt.Tx, id string, checked time.Time) (rc sppcrawl.Recheck, ok bool, err error) {
	rc = sppcrawl.Recheck{ID: id, LastChecked: checked}
	hdr, herr := rawHeader(tx.Bucket(bucketRaw).Get(u64(rawKeyOf(tx, id))))
	r, err := getRecord(tx, id)
	switch {
	case errors.Is(err, ErrUndecodable) && herr == nil && hdr.URL != "":
		rc.URL, rc.Channel = hdr.URL, db.layoutOf(hdr.URL).ChannelPath(hdr.URL)
		return rc, true, nil
	case errors.Is(err, ErrUndecodable):
		return rc, false, nil // no URL to ask: verify --repair sets it aside
	case err != nil:
		return rc, false, fmt.Errorf("recheck %s: %w", id, err)
	case r == nil:
		return rc, false, nil
	}
	rc.URL, rc.Channel = r.Article.URL, r.Article.ChannelPath
	if herr == nil && hdr.URL == rc.URL {
		// (The validators of another URL's page, one an upgrade moved the
		// article from, say nothing of this one.)
		rc.ETag, rc.LastModified = hdr.ETag, hdr.LastModified
	}
	return rc, true, nil
}

// OldestCheck is when the article checked longest ago was last checked
// (zero for an empty archive): every article has been re-verified since.
func (db *DB) OldestCheck(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketCheckIdx).Cursor().First(); len(k) > 8 {
			t = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])))
		}
		return nil
	})
	return t, err
}

// RecordChecked records that the site confirmed the stored version of url
// (a 304 to a conditional GET): checked now, any gone sighting forgotten,
// and a withdrawn article restored.
func (db *DB) RecordChecked(ctx context.Context, url string) (sppcrawl.UpsertResult, error) {
	var res sppcrawl.UpsertResult
	now := db.now()
	err := db.write(ctx, func(tx *bolt.Tx) error {
		r, err := recordByURL(tx, url)
		if err != nil {
			return err
		}
		a := r.Article
		res = sppcrawl.UpsertResult{Outcome: sppcrawl.Unchanged, ID: a.ID, Seq: a.Seq, Version: a.Version}
		if err := fetchedFine(tx, a.ID, now); err != nil {
			return err
		}
		if a.WithdrawnAt.IsZero() {
			return nil
		}
		a.WithdrawnAt = time.Time{}
		res.Outcome = sppcrawl.Restored
		if err := addCount(tx, countWithdrawn, -1); err != nil {
			return err
		}
		if err := reseq(tx, a, now); err != nil {
			return err
		}
		res.Seq = a.Seq
		return nil
	})
	return res, err
}

// RecordGone records that url, a stored article's, answered gone (404/410 or the
// homepage) in the run that started at run. The first sighting is only
// remembered: one answer may be a fault. A sighting in a later run withdraws
// the article: withdrawn_at set, a new seq so every puller learns it, its
// content kept. withdrawn says whether this call withdrew it.
func (db *DB) RecordGone(ctx context.Context, url string, run time.Time, reason string) (withdrawn bool, err error) {
	now := db.now()
	err = db.write(ctx, func(tx *bolt.Tx) error {
		withdrawn = false
		r, err := recordByURL(tx, url)
		if errors.Is(err, ErrUndecodable) {
			return nil // nothing to mark on a record that does not decode: verify --repair
		}
		if err != nil {
			return err
		}
		a, gone := r.Article, tx.Bucket(bucketGone)
		if err := setChecked(tx, a.ID, now); err != nil {
			return err
		}
		if !a.WithdrawnAt.IsZero() {
			return nil
		}
		var m goneMark
		if v := gone.Get([]byte(a.ID)); v != nil {
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("gone mark of %s: %w", a.ID, err)
			}
		}
		if m.At.IsZero() || m.Run.Equal(run) {
			if m.At.IsZero() {
				m = goneMark{At: now, Run: run, Reason: reason}
			}
			return putJSON(gone, a.ID, m)
		}
		a.WithdrawnAt = now
		withdrawn = true
		if err := gone.Delete([]byte(a.ID)); err != nil {
			return err
		}
		if err := addCount(tx, countWithdrawn, 1); err != nil {
			return err
		}
		return reseq(tx, a, now)
	})
	return withdrawn, err
}

func recordByURL(tx *bolt.Tx, url string) (*record, error) {
	id := tx.Bucket(bucketURLs).Get([]byte(url))
	if id == nil {
		return nil, fmt.Errorf("article at %s: %w", url, ErrNotFound)
	}
	r, err := getRecord(tx, string(id))
	if err == nil && r == nil {
		err = fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	return r, err
}

// Counters kept in the meta bucket (and per channel in chancount), so that
// stats, /healthz and /metrics cost the same whatever the archive's size.
const (
	countWithdrawn = "count:withdrawn"
	countArticles  = "count:articles"
)

// ensureCounters counts, once, what an archive written before the counters
// holds.
func ensureCounters(tx *bolt.Tx) error {
	if tx.Bucket(bucketMeta).Get([]byte(countArticles)) != nil {
		return nil
	}
	n := 0
	chans := map[string]int64{}
	err := tx.Bucket(bucketChanIdx).ForEach(func(k, _ []byte) error {
		if i := bytes.IndexByte(k, 0); i > 0 {
			chans[string(k[:i])]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	// An article listed in two channels is one article. (Not Stats: in a
	// write it counts the pages as they were.)
	err = tx.Bucket(bucketIDs).ForEach(func(_, _ []byte) error {
		n++
		return nil
	})
	if err != nil {
		return err
	}
	for path, c := range chans {
		if err := tx.Bucket(bucketChanCnt).Put([]byte(path), u64(uint64(c))); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put([]byte(countArticles), u64(uint64(n)))
}

// addChannel counts an article in or out of its channel.
func addChannel(tx *bolt.Tx, path string, delta int64) error {
	b := tx.Bucket(bucketChanCnt)
	var n int64
	if v := b.Get([]byte(path)); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	if n+delta <= 0 {
		return b.Delete([]byte(path))
	}
	return b.Put([]byte(path), u64(uint64(n+delta)))
}

func addCount(tx *bolt.Tx, key string, delta int64) error {
	if delta == 0 {
		return nil
	}
	meta := tx.Bucket(bucketMeta)
	var n int64
	if v := meta.Get([]byte(key)); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	return meta.Put([]byte(key), u64(uint64(max(n+delta, 0))))
}

func getCount(tx *bolt.Tx, key string) int {
	if v := tx.Bucket(bucketMeta).Get([]byte(key)); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v))
	}
	return 0
}

// Withdrawn is the number of articles the site withdrew (withdrawn_at set).
func (db *DB) Withdrawn(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, func(tx *bolt.Tx) error {
		n = getCount(tx, countWithdrawn)
		return nil
	})
	return n, err
}
