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

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

// A record that no longer decodes is never deleted: it is moved, bytes as
// they are, to the quarantine bucket, with what is known of it (bucket,
// key, article, URLs, why), and what pointed at it is cleared so that the
// article can be fetched and stored anew (its version numbering goes on).

var bucketQuarantine = []byte("quarantine") // bucket \x00 key → quarantined record

// quarantined is the header of a quarantined record; the record's bytes
// follow it.
type quarantined struct {
	Bucket string    `json:"bucket"`
	Key    []byte    `json:"key"`
	ID     string    `json:"id,omitempty"`
	URLs   []string  `json:"urls,omitempty"`
	Why    string    `json:"why"`
	At     time.Time `json:"at"`
}

const countQuarantined = "count:quarantined"

// quarantine moves the record at key of bucket aside.
func quarantine(tx *bolt.Tx, bucket, key []byte, q quarantined) error {
	v := tx.Bucket(bucket).Get(key)
	if v == nil {
		return nil
	}
	q.Bucket, q.Key = string(bucket), bytes.Clone(key)
	hdr, err := json.Marshal(q)
	if err != nil {
		return err
	}
	rec := binary.BigEndian.AppendUint32(nil, uint32(len(hdr)))
	rec = append(append(rec, hdr...), v...)
	qk := append(append(bytes.Clone(bucket), 0), key...)
	if err := tx.Bucket(bucketQuarantine).Put(qk, rec); err != nil {
		return err
	}
	if err := addCount(tx, countQuarantined, 1); err != nil {
		return err
	}
	return tx.Bucket(bucket).Delete(key)
}

// quarantineArticle moves the undecodable current record of id (at seq)
// aside and clears what pointed at it: the id, URL, hash, channel and case
// entries, its counts. It returns the article's URLs (to fetch it again).
func quarantineArticle(tx *bolt.Tx, id string, seq uint64, why string, now time.Time) error {
	_, err := quarantineArticleURLs(tx, id, seq, why, now)
	return err
}

func quarantineArticleURLs(tx *bolt.Tx, id string, seq uint64, why string, now time.Time) ([]string, error) {
	urls, err := keysWithValue(tx.Bucket(bucketURLs), []byte(id))
	if err != nil {
		return nil, err
	}
	q := quarantined{ID: id, Why: why, At: now}
	for _, u := range urls {
		q.URLs = append(q.URLs, string(u))
	}
	if err := quarantine(tx, bucketArticles, u64(seq), q); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketCaseIdx).Delete(u64(seq)); err != nil {
		return nil, err
	}
	for _, b := range [][]byte{bucketIDs, bucketGone} {
		if err := tx.Bucket(b).Delete([]byte(id)); err != nil {
			return nil, err
		}
	}
	for _, u := range urls {
		if err := tx.Bucket(bucketURLs).Delete(u); err != nil {
			return nil, err
		}
	}
	hashes, err := keysWithValue(tx.Bucket(bucketHashes), []byte(id))
	if err != nil {
		return nil, err
	}
	for _, h := range hashes {
		if err := tx.Bucket(bucketHashes).Delete(h); err != nil {
			return nil, err
		}
	}
	if err := dropChanEntries(tx, id); err != nil {
		return nil, err
	}
	return q.URLs, addCount(tx, countArticles, -1)
}

// dropChanEntries removes the channel index entries of id, and counts the
// article out of their channels.
func dropChanEntries(tx *bolt.Tx, id string) error {
	idx := tx.Bucket(bucketChanIdx)
	var keys [][]byte
	err := idx.ForEach(func(k, _ []byte) error {
		if i := bytes.IndexByte(k, 0); i >= 0 && len(k) == i+9+len(id) && string(k[i+9:]) == id {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := idx.Delete(k); err != nil {
			return err
		}
		if err := addChannel(tx, string(k[:bytes.IndexByte(k, 0)]), -1); err != nil {
			return err
		}
	}
	return nil
}

// keysWithValue lists the keys of b whose value is v (a scan: for repairs).
func keysWithValue(b *bolt.Bucket, v []byte) ([][]byte, error) {
	return keysWhere(b, func(_, val []byte) bool { return bytes.Equal(val, v) })
}

// keysWhere lists the keys of b (copied) whose entry passes keep: what a
// repair then moves or deletes, outside the walk.
func keysWhere(b *bolt.Bucket, keep func(k, v []byte) bool) ([][]byte, error) {
	var out [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if keep(k, v) {
			out = append(out, bytes.Clone(k))
		}
		return nil
	})
	return out, err
}

// lastVersion is the highest earlier version of id kept, 0 when none.
func lastVersion(tx *bolt.Tx, id string) int {
	prefix := append([]byte(id), 0)
	c := tx.Bucket(bucketVersions).Cursor()
	k, _ := c.Seek(append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else if !bytes.Equal(k, append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff)) {
		k, _ = c.Prev()
	}
	if len(k) == len(prefix)+4 && bytes.HasPrefix(k, prefix) {
		return int(binary.BigEndian.Uint32(k[len(prefix):]))
	}
	return 0
}

// Quarantined is the number of records moved aside because they did not
// decode.
func (db *DB) Quarantined(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, func(tx *bolt.Tx) error {
		n = getCount(tx, countQuarantined)
		return nil
	})
	return n, err
}

// RepairReport is what Repair did.
type RepairReport struct {
	Quarantined []string `json:"quarantined"` // records moved aside
	Rebuilt     []string `json:"rebuilt"`     // articles stored again from their raw page
	Requeued    []string `json:"requeued"`    // URLs due for a fetch by the next crawl
	Restored    []string `json:"restored"`    // articles whose index entries were lost, stored again from their record
	Dropped     int      `json:"dropped"`     // index entries that pointed to no stored article, removed
	Reindexed   int      `json:"reindexed"`   // index entries of stored articles that were lost (URL, content hash, channel), written again
	Lost        Loss     `json:"lost"`        // what could not be recovered, by kind

	restore []*sppcrawl.Article // the articles to store again once the repair's write is done
	urlsOf  map[string][]string // the URLs of the articles whose index entries to nothing were removed, by id
}

// Repair moves every record that does not decode aside (quarantine, never
// deleted). An article set aside is rebuilt at once from its stored raw
// page with parse (the extractor, which the store does not know) when that
// page reads; otherwise its URL is made due now in the failure log, so
// that the next crawl (or sppcrawl fetch) stores it again.
func (db *DB) Repair(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error)) (RepairReport, error) {
	rep := RepairReport{Quarantined: []string{}, Rebuilt: []string{}, Requeued: []string{}, Restored: []string{}}
	if db.readOnly {
		return rep, ErrReadOnly
	}
	now := db.now()
	var setAside []string
	var before beforeRepair
	err := db.write(ctx, func(tx *bolt.Tx) error {
		rep = RepairReport{Quarantined: []string{}, Rebuilt: []string{}, Requeued: []string{}, Restored: []string{}, urlsOf: map[string][]string{}} // a write may run twice
		before = countsBefore(tx)
		var err error
		if setAside, err = repairArticles(tx, &rep, now); err != nil {
			return err
		}
		if err := repairRecords(tx, &rep, now); err != nil {
			return err
		}
		if rep.Reindexed, err = reindexArticles(tx); err != nil {
			return err
		}
		return recount(tx)
	})
	if err != nil {
		return rep, err
	}
	for _, id := range setAside {
		if err := db.rebuild(ctx, id, parse, &rep); err != nil {
			return rep, err
		}
	}
	for _, a := range rep.restore {
		if a.ID == "" || a.URL == "" {
			continue // what survived of it names no article: lost, and counted so below
		}
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			return rep, err
		}
		rep.Restored = append(rep.Restored, a.ID)
	}
	if err := db.requeueLost(ctx, &rep); err != nil {
		return rep, err
	}
	reindexed, err := db.reindexMedia(ctx)
	if err != nil {
		return rep, err
	}
	err = db.write(ctx, func(tx *bolt.Tx) error {
		var err error
		rep.Lost, err = before.loss(tx, now)
		rep.Lost.MediaReindexed = reindexed
		return err
	})
	return rep, err
}

// rebuild stores the article id again from its raw page, or makes its URL
// due for a fetch when the page does not read or parse.
func (db *DB) rebuild(ctx context.Context, id string, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error), rep *RepairReport) error {
	raw, err := db.Raw(ctx, id)
	var a *sppcrawl.Article
	if err == nil {
		a, err = parse(raw)
	}
	if err == nil && a.ID == id && id != "" && a.URL != "" {
		a.FetchedAt = raw.FetchedAt
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			return err
		}
		rep.Rebuilt = append(rep.Rebuilt, id)
		return nil
	}
	u := ""
	if raw != nil {
		u = raw.URL
	}
	if u == "" {
		return nil // no URL known: the quarantined record names what it held
	}
	now := db.now()
	err = db.write(ctx, func(tx *bolt.Tx) error {
		f := sppcrawl.Failure{URL: u, Channel: db.layoutOf(u).ChannelPath(u), LastError: "stored record did not decode, its page neither",
			LastTry: now, NextRetry: now}
		return putJSON(tx.Bucket(bucketFailures), u, f)
	})
	if err == nil {
		rep.Requeued = append(rep.Requeued, u)
	}
	return err
}

// repairArticles sets aside the article records that do not decode or
// that nothing reaches, and clears index entries to nothing; it returns the
// ids to rebuild from their stored page (rep.restore holds those stored
// again from their record).
func repairArticles(tx *bolt.Tx, rep *RepairReport, now time.Time) ([]string, error) {
	ids, err := repairIndexed(tx, rep, now)
	if err != nil {
		return nil, err
	}
	if err := repairOrphans(tx, rep, now); err != nil {
		return nil, err
	}
	// An article whose record and id entry were both lost still has its
	// stored page: it is rebuilt from that.
	err = tx.Bucket(bucketRawOf).ForEach(func(id, _ []byte) error {
		restored := slices.ContainsFunc(rep.restore, func(a *sppcrawl.Article) bool { return a.ID == string(id) })
		if tx.Bucket(bucketIDs).Get(id) == nil && !restored && !slices.Contains(ids, string(id)) {
			ids = append(ids, string(id))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, dropDangling(tx, rep)
}

// repairIndexed quarantines the records the id index points to that do
// not decode or are missing (lost with a damaged page a salvage passed),
// and returns their ids.
func repairIndexed(tx *bolt.Tx, rep *RepairReport, now time.Time) ([]string, error) {
	type bad struct {
		id  string
		seq uint64
		why string
	}
	var bads []bad
	err := tx.Bucket(bucketIDs).ForEach(func(id, seqb []byte) error {
		seq := seqKey(seqb)
		v := tx.Bucket(bucketArticles).Get(u64(seq))
		if v == nil {
			bads = append(bads, bad{string(id), seq, "its record is missing"})
		} else if _, err := decodeArticle(v); err != nil {
			bads = append(bads, bad{string(id), seq, err.Error()})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, b := range bads {
		urls, err := quarantineArticleURLs(tx, b.id, b.seq, b.why, now)
		if err != nil {
			return nil, err
		}
		rep.urlsOf[b.id] = urls // fetched again if neither record nor page reads
		rep.Quarantined = append(rep.Quarantined, fmt.Sprintf("article %s (seq %d)", b.id, b.seq))
		ids = append(ids, b.id)
	}
	return ids, nil
}

// repairOrphans quarantines the records no id points to (they are
// unreachable); one that decodes is an article whose index entries were
// lost: its newest record is stored again (rep.restore).
func repairOrphans(tx *bolt.Tx, rep *RepairReport, now time.Time) error {
	orphans, err := keysWhere(tx.Bucket(bucketArticles), func(k, v []byte) bool {
		a, err := decodeArticle(v)
		return err != nil || (a != nil && !indexedAt(tx, a.ID, k))
	})
	if err != nil {
		return err
	}
	latest := map[string]*sppcrawl.Article{}
	for _, k := range orphans {
		why := "does not decode, and no id points to it"
		a, _ := decodeArticle(tx.Bucket(bucketArticles).Get(k))
		switch {
		case a != nil && tx.Bucket(bucketIDs).Get([]byte(a.ID)) == nil:
			why = "no id points to it: stored again"
			latest[a.ID] = a // orphans come in seq order
		case a != nil:
			why = "an older record of an article stored at another seq"
		}
		if err := quarantine(tx, bucketArticles, k, quarantined{ID: idOf(a), Why: why, At: now}); err != nil {
			return err
		}
		rep.Quarantined = append(rep.Quarantined, seqName(k))
	}
	for _, a := range latest {
		rep.restore = append(rep.restore, a)
	}
	slices.SortFunc(rep.restore, func(a, b *sppcrawl.Article) int { return strings.Compare(a.ID, b.ID) })
	return nil
}

// indexedAt says whether the id index points id at the record at seq key k.
func indexedAt(tx *bolt.Tx, id string, k []byte) bool {
	return bytes.Equal(tx.Bucket(bucketIDs).Get([]byte(id)), k)
}

func idOf(a *sppcrawl.Article) string {
	if a == nil {
		return ""
	}
	return a.ID
}

// dropDangling removes the URL, hash and channel index entries that point
// to no stored article (and to none being stored again): a salvage leaves
// them where it lost the article's record.
func dropDangling(tx *bolt.Tx, rep *RepairReport) error {
	kept := map[string]bool{}
	for _, a := range rep.restore {
		kept[a.ID] = true
	}
	stored := func(id []byte) bool { return len(tx.Bucket(bucketIDs).Get(id)) == 8 || kept[string(id)] }
	for _, c := range []struct {
		bucket []byte
		id     func(k, v []byte) []byte // the article an entry points to (nil: none)
	}{
		{bucketURLs, func(_, v []byte) []byte { return v }},
		{bucketHashes, func(_, v []byte) []byte { return v }},
		{bucketChanIdx, func(k, _ []byte) []byte {
			if i := bytes.IndexByte(k, 0); i >= 0 && len(k) >= i+9 {
				return k[i+9:]
			}
			return nil
		}},
	} {
		b := tx.Bucket(c.bucket)
		keys, err := keysWhere(b, func(k, v []byte) bool { id := c.id(k, v); return id == nil || !stored(id) })
		if err != nil {
			return err
		}
		if bytes.Equal(c.bucket, bucketURLs) {
			lostURLs(b, keys, rep.urlsOf)
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
			rep.Dropped++
		}
	}
	return nil
}

// repairRecords quarantines the earlier versions and the crawl's records
// (channel states, failures, runs, gone sightings) that do not decode: the
// crawl rebuilds what it needs of the latter.
func repairRecords(tx *bolt.Tx, rep *RepairReport, now time.Time) error {
	if err := repairRaw(tx, rep, now); err != nil {
		return err
	}
	for _, name := range [][]byte{bucketVersions, bucketChannels, bucketFailures, bucketRuns, bucketGone, bucketMedia, bucketMediaDue} {
		keys, err := keysWhere(tx.Bucket(name), func(_, v []byte) bool { return !json.Valid(v) })
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := quarantine(tx, name, k, quarantined{Why: fmt.Sprintf("%s record is not JSON", name), At: now}); err != nil {
				return err
			}
			rep.Quarantined = append(rep.Quarantined, fmt.Sprintf("%s %q", name, k))
		}
	}
	return nil
}

// recount counts the articles and their channels again from the channel
// index: a salvage may have lost records the counters still count.
func recount(tx *bolt.Tx) error {
	if err := tx.DeleteBucket(bucketChanCnt); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketChanCnt); err != nil {
		return err
	}
	if err := tx.Bucket(bucketMeta).Delete([]byte(countArticles)); err != nil {
		return err
	}
	return ensureCounters(tx)
}

// repairRaw quarantines the stored pages whose header does not decode; an
// article's current page among them is fetched again (verify marks it).
func repairRaw(tx *bolt.Tx, rep *RepairReport, now time.Time) error {
	keys, err := keysWhere(tx.Bucket(bucketRaw), func(k, v []byte) bool {
		_, err := rawHeader(v)
		return err != nil || len(k) != 8
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := quarantine(tx, bucketRaw, k, quarantined{Why: "stored page header does not decode", At: now}); err != nil {
			return err
		}
		rep.Quarantined = append(rep.Quarantined, fmt.Sprintf("raw %x", k))
	}
	return nil
}

// reindexArticles writes again the index entries a damaged file lost of the
// articles it kept (their URLs and aliases, content hash and channel
// entry): without them a crawl would find the article by id, store
// nothing, and leave it out of its channel's pages for good. It returns how
// many it wrote.
func reindexArticles(tx *bolt.Tx) (int, error) {
	n := 0
	put := func(b, k, v []byte) error {
		if tx.Bucket(b).Get(k) != nil {
			return nil
		}
		n++
		return tx.Bucket(b).Put(k, v)
	}
	err := tx.Bucket(bucketIDs).ForEach(func(id, seqb []byte) error {
		a, err := decodeArticle(tx.Bucket(bucketArticles).Get(u64(seqKey(seqb))))
		if err != nil || a == nil || a.ID != string(id) {
			return nil // set aside by repairIndexed, rebuilt from its page
		}
		for _, u := range append([]string{a.URL}, a.Aliases...) {
			if err := put(bucketURLs, []byte(u), id); err != nil {
				return err
			}
		}
		hk := []byte(a.ContentHash) // as putHash keys it: another site's under its key
		if old := tx.Bucket(bucketHashes).Get(hk); old != nil && sppcrawl.IDKey(string(old)) != sppcrawl.IDKey(a.ID) {
			hk = siteHashKey(a)
		}
		if err := put(bucketHashes, hk, id); err != nil {
			return err
		}
		return put(bucketChanIdx, chanKey(a), nil)
	})
	return n, err
}
