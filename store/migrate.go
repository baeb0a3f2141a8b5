package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// migrate1to2 upgrades an archive of sppcrawl 0.1 (schema 1), in the
// transaction that opens it:
//
//   - raw pages were keyed by their article's seq; they keep their keys, which
//     the new rawof index points at, and new pages get keys after them;
//   - the history bucket kept, per earlier revision, its hash, title and
//     dates: each becomes a version whose article holds what is known of it
//     (id, url, title, content_hash, version); the bucket goes;
//   - the check times are indexed (least recently checked first);
//   - a stored article whose URL the failure log records as gone counts as
//     one sighting of it gone (a second, in a later run, withdraws it).
func migrate1to2(tx *bolt.Tx) (string, error) {
	var n [4]int
	for i, step := range []func(*bolt.Tx) (int, error){indexRawPages, keepRevisions, indexCheckTimes, seenGone} {
		var err error
		if n[i], err = step(tx); err != nil {
			return "", err
		}
	}
	if err := countFills(tx); err != nil {
		return "", fmt.Errorf("count filled fields: %w", err)
	}
	return fmt.Sprintf("%d raw pages indexed, %d earlier revisions kept as versions (hash and title: their text was not kept by schema 1), %d check times indexed, %d stored articles seen gone once",
		n[0], n[1], n[2], n[3]), nil
}

// indexRawPages points each article at its raw page, which schema 1 keyed
// by the article's seq; new pages get keys after them.
func indexRawPages(tx *bolt.Tx) (int, error) {
	raws, rawof, ids := tx.Bucket(bucketRaw), tx.Bucket(bucketRawOf), tx.Bucket(bucketIDs)
	if k, _ := raws.Cursor().Last(); len(k) == 8 {
		if err := raws.SetSequence(binary.BigEndian.Uint64(k)); err != nil {
			return 0, err
		}
	}
	n := 0
	err := ids.ForEach(func(id, seq []byte) error {
		if raws.Get(seq) == nil {
			return nil
		}
		n++
		return rawof.Put(id, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("index raw pages: %w", err)
	}
	return n, nil
}

// keepRevisions turns schema 1's revisions (hash, title and dates) into
// versions holding what is known of them, and drops the history bucket.
func keepRevisions(tx *bolt.Tx) (int, error) {
	hist := tx.Bucket(bucketHistory)
	if hist == nil {
		return 0, nil
	}
	n := 0
	err := hist.ForEach(func(id, v []byte) error {
		var revs []struct {
			Version     int       `json:"version"`
			ContentHash string    `json:"content_hash"`
			Title       string    `json:"title"`
			From        time.Time `json:"from"`
			Until       time.Time `json:"until"`
		}
		if err := json.Unmarshal(v, &revs); err != nil {
			return fmt.Errorf("history of %s: %w", id, err)
		}
		url := ""
		if r, err := getRecord(tx, string(id)); err == nil && r != nil {
			url = r.Article.URL
		}
		for _, rev := range revs {
			known, err := json.Marshal(map[string]any{"id": string(id), "url": url, "title": rev.Title,
				"content_hash": rev.ContentHash, "version": rev.Version})
			if err != nil {
				return err
			}
			if err := putVersion(tx, string(id), versionRecord{Version: rev.Version, ContentHash: rev.ContentHash,
				StoredAt: rev.From, ReplacedAt: rev.Until, Article: known}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, tx.DeleteBucket(bucketHistory)
}

// indexCheckTimes indexes the check times, least recently checked first.
func indexCheckTimes(tx *bolt.Tx) (int, error) {
	n := 0
	idx := tx.Bucket(bucketCheckIdx)
	err := tx.Bucket(bucketChecked).ForEach(func(id, v []byte) error {
		if len(v) != 8 {
			return nil
		}
		n++
		return idx.Put(checkKey(binary.BigEndian.Uint64(v), string(id)), nil)
	})
	if err != nil {
		return 0, fmt.Errorf("index check times: %w", err)
	}
	return n, nil
}

// seenGone counts a stored article whose URL the failure log records as
// gone as one sighting of it gone (a second, in a later run, withdraws it).
func seenGone(tx *bolt.Tx) (int, error) {
	n := 0
	urls, gone := tx.Bucket(bucketURLs), tx.Bucket(bucketGone)
	err := tx.Bucket(bucketFailures).ForEach(func(k, v []byte) error {
		var f sppcrawl.Failure
		if err := json.Unmarshal(v, &f); err != nil || !f.Gone {
			return nil
		}
		id := urls.Get(k)
		if id == nil {
			return nil
		}
		n++
		return putJSON(gone, string(id), goneMark{At: f.LastTry, Run: f.LastTry, Reason: f.LastError})
	})
	if err != nil {
		return 0, fmt.Errorf("gone sightings: %w", err)
	}
	return n, nil
}

// countFills counts, per channel of each site, the fields its articles
// fill (the baseline of the template-drift warning); an article that does
// not decode is verify's to report, and counts for nothing.
func countFills(tx *bolt.Tx) error {
	fills := map[string]sppcrawl.Fill{}
	err := tx.Bucket(bucketArticles).ForEach(func(_, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil || a == nil {
			return nil
		}
		k := siteChanKey(sppcrawl.URLHost(a.URL), a.ChannelPath)
		fills[k] = fills[k].Add(sppcrawl.FillOf(a), 1)
		return nil
	})
	if err != nil {
		return err
	}
	for k, f := range fills {
		if err := putJSON(tx.Bucket(bucketFill), k, f); err != nil {
			return err
		}
	}
	return nil
}
