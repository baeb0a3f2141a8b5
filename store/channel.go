package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// addFill adds (sign 1) or removes (sign -1) an article from its channel's
// field counts.
func addFill(tx *bolt.Tx, a *sppcrawl.Article, sign int) error {
	b := tx.Bucket(bucketFill)
	var f sppcrawl.Fill
	key := siteChanKey(sppcrawl.URLHost(a.URL), a.ChannelPath)
	if _, err := getJSON(b, key, &f); errors.Is(err, ErrUndecodable) {
		f = sppcrawl.Fill{} // a count that does not decode starts again from here
	} else if err != nil {
		return err
	}
	return putJSON(b, key, f.Add(sppcrawl.FillOf(a), sign))
}

// FillStats counts, over the stored articles of a channel of the default
// site, how many have each field filled (the baseline of the
// template-drift warning).
func (db *DB) FillStats(ctx context.Context, path string) (sppcrawl.Fill, error) {
	return db.fillStats(ctx, db.site.Host(), path)
}

func (db *DB) fillStats(ctx context.Context, host, path string) (sppcrawl.Fill, error) {
	var f sppcrawl.Fill
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := db.getRecordJSON(tx.Bucket(bucketFill), siteChanKey(host, path), &f)
		return err
	})
	return f, err
}

// MarkSeen records items that a list page of channel showed and that are
// not stored yet: until one is stored it is a gap of the archive (see Gaps).
// Each is kept as its channel's path, then NUL and the list's title for it
// (archives of earlier releases hold the path alone).
func (db *DB) MarkSeen(ctx context.Context, channel string, items []sppcrawl.Seen) error {
	if len(items) == 0 {
		return nil
	}
	return db.write(ctx, func(tx *bolt.Tx) error {
		seen, stored := tx.Bucket(bucketSeen), tx.Bucket(bucketURLs)
		for _, it := range items {
			if stored.Get([]byte(it.URL)) != nil {
				continue
			}
			if err := seen.Put([]byte(it.URL), []byte(channel+"\x00"+clipTitle(it.Title))); err != nil {
				return err
			}
		}
		return nil
	})
}

// clipTitle keeps a list title to 200 characters, without NUL.
func clipTitle(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	if r := []rune(s); len(r) > 200 {
		return string(r[:200])
	}
	return s
}

// seenChannel reads a gap's record: its channel's path and the list's
// title for it ("" in archives of earlier releases).
func seenChannel(v []byte) (channel, title string) {
	channel, title, _ = strings.Cut(string(v), "\x00")
	return channel, title
}

// Gap is a URL seen on a list page and never stored, with why (the root
// package's).
type Gap = sppcrawl.Gap

// Gaps lists the gaps of one channel (path), or of every channel ("").
func (db *DB) Gaps(ctx context.Context, channel string) ([]Gap, error) {
	var out []Gap
	err := db.view(ctx, func(tx *bolt.Tx) error {
		fails := tx.Bucket(bucketFailures)
		return tx.Bucket(bucketSeen).ForEach(func(k, v []byte) error {
			ch, title := seenChannel(v)
			if channel != "" && ch != channel {
				return nil
			}
			g := Gap{URL: string(k), Site: sppcrawl.URLHost(string(k)), Channel: ch, Title: title, Why: "not yet fetched"}
			var f sppcrawl.Failure
			if ok, err := db.getRecordJSON(fails, g.URL, &f); err != nil {
				return err
			} else if ok {
				g.Why, g.Error = "failed", f.LastError
				if f.Gone {
					g.Why = "gone"
				}
			}
			out = append(out, g)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Channel+out[i].URL < out[j].Channel+out[j].URL })
	return out, err
}

// stored forgets url as a gap, and the page kept unparsed there: it is
// stored now.
func stored(tx *bolt.Tx, url string) error {
	if err := tx.Bucket(bucketSeen).Delete([]byte(url)); err != nil {
		return err
	}
	return dropUnparsed(tx, url)
}

// ResetFailures makes the failure log's URLs due now (gone ones included,
// which are retried again): those listed, or all. It returns how many.
func (db *DB) ResetFailures(ctx context.Context, urls []string, all bool) (int, error) {
	n := 0
	now := db.now()
	err := db.write(ctx, func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bucketFailures)
		reset := func(k []byte) error {
			var f sppcrawl.Failure
			if ok, err := db.getRecordJSON(b, string(k), &f); err != nil || !ok {
				return err
			}
			f.Gone, f.NextRetry = false, now
			n++
			return putJSON(b, f.URL, f)
		}
		if all {
			var keys [][]byte
			b.ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil })
			urls = urls[:0]
			for _, k := range keys {
				urls = append(urls, string(k))
			}
		}
		for _, u := range urls {
			if err := reset([]byte(u)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && !all && n < len(urls) {
		return n, fmt.Errorf("%d of %d URLs are not in the failure log", len(urls)-n, len(urls))
	}
	return n, err
}
