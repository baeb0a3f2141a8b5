package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// A repair never says "fine" over a loss. What the archive held before is
// read from what survived of it (its counters, per channel too), what a
// salvage passed is noted in the copy it writes (keySalvaged), and the
// difference is the loss, by kind. Every channel that lost articles (every
// channel, when how much was lost cannot be known) gets its walk marked
// unfinished, so that the next plain crawls walk it to its end and store
// again what is missing: no --full needed, nothing to know.

// keySalvaged, in the meta bucket of a salvaged copy: salvageMark (JSON),
// read and removed by the repair that follows.
var keySalvaged = []byte("salvaged")

// salvageMark is what a salvage passed, for the repair after it.
type salvageMark struct {
	Damaged int  `json:"damaged"` // damaged places passed
	Rescued bool `json:"rescued"` // taken from an older copy of the root bucket
	// CountsKept: the archive's counters were salvaged (the open that
	// follows makes new ones from what is left when they were not).
	CountsKept bool      `json:"counts_kept"`
	At         time.Time `json:"at"`
}

// Loss is what a repair could not recover, by kind.
type Loss struct {
	// DamagedPlaces: places of the file the salvage passed (what lay under
	// them is lost); Rescued: the salvage started from an older copy of
	// the root bucket (what later commits wrote is lost).
	DamagedPlaces int  `json:"damaged_places"`
	Rescued       bool `json:"rescued"`
	// Articles the archive counted before and does not hold now; unknown
	// when its counters were lost too (ArticlesUnknown).
	Articles        int            `json:"articles"`
	ArticlesUnknown bool           `json:"articles_unknown"`
	ByChannel       map[string]int `json:"by_channel,omitempty"` // channel path → articles lost
	// MediaIndex: files the archive indexed that it no longer does (their
	// files, still in the media folder, are indexed again: MediaReindexed).
	MediaIndex     int `json:"media_index"`
	MediaReindexed int `json:"media_reindexed"`
	// Walks: the channels (keys) whose walks were marked unfinished, for
	// the next crawls to walk to their end.
	Walks []string `json:"walks"`
}

// Any says whether anything was lost.
func (l Loss) Any() bool {
	return l.DamagedPlaces > 0 || l.Rescued || l.Articles > 0 || l.ArticlesUnknown || l.MediaIndex > l.MediaReindexed
}

// String says what was lost, by kind, and what brings it back.
func (l Loss) String() string {
	var parts []string
	switch {
	case l.ArticlesUnknown:
		parts = append(parts, "articles: how many is not known (the archive's counters were lost too)")
	case l.Articles > 0:
		parts = append(parts, fmt.Sprintf("%d articles%s", l.Articles, byChannel(l.ByChannel)))
	}
	if n := l.MediaIndex - l.MediaReindexed; n > 0 {
		parts = append(parts, fmt.Sprintf("%d media index entries", n))
	}
	if l.DamagedPlaces > 0 {
		parts = append(parts, fmt.Sprintf("what lay under %d damaged places of the file", l.DamagedPlaces))
	}
	if l.Rescued {
		parts = append(parts, "what the last commits wrote (salvaged from an older copy of the root)")
	}
	s := "lost: " + strings.Join(parts, "; ")
	if len(l.Walks) > 0 {
		s += fmt.Sprintf("; the walks of %d channels are marked unfinished: the next crawls walk them to their end and store again what is missing", len(l.Walks))
	}
	return s
}

func byChannel(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for path, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", sppcrawl.LegacySite().ChannelByPath(path).Label(), n))
	}
	slices.Sort(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}

// beforeRepair is what the archive counted before a repair.
type beforeRepair struct {
	mark      salvageMark
	articles  int
	known     bool // the article counter survived
	byChannel map[string]int
	media     int
}

// countsBefore reads what the archive counted, and the salvage's mark.
func countsBefore(tx *bolt.Tx) beforeRepair {
	b := beforeRepair{byChannel: map[string]int{}}
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(keySalvaged); v != nil {
		json.Unmarshal(v, &b.mark) // a mark that does not decode: a salvage of unknown loss
		b.mark.Damaged = max(b.mark.Damaged, 1)
	}
	if v := meta.Get([]byte(countArticles)); len(v) == 8 {
		b.articles, b.known = int(binary.BigEndian.Uint64(v)), b.mark.Damaged == 0 || b.mark.CountsKept
	}
	tx.Bucket(bucketChanCnt).ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			b.byChannel[string(k)] = int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	b.media = getCount(tx, countMedia)
	return b
}

// loss compares the counts after the repair with those before, and marks
// the walks of the channels that lost articles unfinished (of every
// channel, when what was lost cannot be counted).
func (b beforeRepair) loss(tx *bolt.Tx, now time.Time) (Loss, error) {
	l := Loss{DamagedPlaces: b.mark.Damaged, Rescued: b.mark.Rescued, ByChannel: map[string]int{}, Walks: []string{}}
	l.ArticlesUnknown = !b.known && b.mark.Damaged > 0 || b.mark.Rescued
	if b.known {
		l.Articles = max(0, b.articles-getCount(tx, countArticles))
	}
	after := countsBefore(tx).byChannel
	for path, n := range b.byChannel {
		if lost := n - after[path]; lost > 0 {
			l.ByChannel[path] = lost
		}
	}
	if n := tx.Bucket(bucketMedia).Stats().KeyN; b.media > n {
		l.MediaIndex = b.media - n
	}
	host, attributed := archiveHost(tx), 0
	var keys []string
	for _, p := range slices.Sorted(mapKeys(l.ByChannel)) {
		keys = append(keys, siteChanKey(host, p))
	}
	for _, n := range l.ByChannel {
		attributed += n
	}
	if l.ArticlesUnknown || attributed < l.Articles {
		keys = everyChannel(tx, host, b.byChannel)
	}
	for _, k := range keys {
		key, err := markUnfinished(tx, k, now)
		if err != nil {
			return l, err
		}
		if key != "" {
			l.Walks = append(l.Walks, key)
		}
	}
	return l, tx.Bucket(bucketMeta).Delete(keySalvaged)
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// everyChannel is the key of every channel the archive knows of: those it
// keeps a state for, counted (of host, the archive's site), each site's
// navigation as last read, and host's built-in table (what a run crawls
// when the rest was lost).
func everyChannel(tx *bolt.Tx, host string, counted map[string]int) []string {
	set := map[string]bool{}
	for p := range counted {
		set[siteChanKey(host, p)] = true
	}
	tx.Bucket(bucketChannels).ForEach(func(k, _ []byte) error {
		set[string(k)] = true
		return nil
	})
	prefix := append(append([]byte(nil), keySiteMap...), '/')
	c := tx.Bucket(bucketMeta).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var m sppcrawl.SiteMap
		if json.Unmarshal(v, &m) != nil {
			continue
		}
		h := string(k[len(prefix):])
		for _, ch := range m.AllOf(nil) {
			set[siteChanKey(h, ch.Path)] = true
		}
	}
	if d := sppcrawl.LegacySite(); host == d.Host() {
		for _, ch := range d.Channels() {
			set[siteChanKey(host, ch.Path)] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// markUnfinished gives the channel of record key ck a walk of the whole
// channel from page 1, as a backfill interrupted before its first page
// leaves it: the next run of any kind walks it to its end. A page passed
// over (not a list, no articles of the site) is left as it is; key is ""
// then.
func markUnfinished(tx *bolt.Tx, ck string, now time.Time) (key string, err error) {
	var st sppcrawl.ChannelState
	path := ck[len(keyHost([]byte(ck))):]
	b := tx.Bucket(bucketChannels)
	if v := b.Get([]byte(ck)); v != nil && json.Unmarshal(v, &st) != nil {
		st = sppcrawl.ChannelState{} // a state that does not decode is started again
	}
	if st.Kind == sppcrawl.KindNotList || st.Kind == sppcrawl.KindNoArticles {
		return "", nil
	}
	st.Path = path
	st.Walk = &sppcrawl.Walk{Kind: sppcrawl.WalkFull, Next: 1, Started: now}
	// Page 1's validators said "nothing new since a walk that was whole".
	st.ETag, st.LastModified = "", ""
	if err := putJSON(b, ck, st); err != nil {
		return "", err
	}
	return sppcrawl.LegacySite().ChannelByPath(path).Key, nil
}

// lostURLs adds to out, by article id, the URLs of the entries keys of
// the URL index, which point to articles no longer stored.
func lostURLs(urls *bolt.Bucket, keys [][]byte, out map[string][]string) {
	for _, k := range keys {
		if id := urls.Get(k); id != nil {
			out[string(id)] = append(out[string(id)], string(k))
		}
	}
}

// requeueLost makes the URLs of the articles the repair could not store
// again (their record and page lost; the URL index still named them) due
// now in the failure log: the next crawl fetches each, wherever its walk
// goes.
func (db *DB) requeueLost(ctx context.Context, rep *RepairReport) error {
	now := db.now()
	var requeued []string
	done := map[string]bool{} // made due by the rebuild, from its page
	for _, u := range rep.Requeued {
		done[u] = true
	}
	err := db.write(ctx, func(tx *bolt.Tx) error {
		requeued = requeued[:0] // a write may run twice
		ids, failures := tx.Bucket(bucketIDs), tx.Bucket(bucketFailures)
		for id, urls := range rep.urlsOf {
			if ids.Get([]byte(id)) != nil {
				continue
			}
			for _, u := range urls {
				if done[u] {
					continue
				}
				f := sppcrawl.Failure{URL: u, Channel: db.layoutOf(u).ChannelPath(u), LastError: "lost with a damaged page of the archive, its stored page too",
					LastTry: now, NextRetry: now}
				if err := putJSON(failures, u, f); err != nil {
					return err
				}
				requeued = append(requeued, u)
			}
		}
		return nil
	})
	slices.Sort(requeued)
	rep.Requeued = append(rep.Requeued, requeued...)
	return err
}
