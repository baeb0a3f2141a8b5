package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

func getJSON(b *bolt.Bucket, key string, v any) (bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("record %q: %w", key, undecodable("%v", err))
	}
	return true, nil
}

// getRecordJSON is getJSON for the crawl's own records (channel states,
// failures, runs, field counts): one that does not decode is noted as
// damage and read as absent, so that the crawl rebuilds it rather than
// stopping at it; verify --repair sets the bytes aside.
func (db *DB) getRecordJSON(b *bolt.Bucket, key string, v any) (bool, error) {
	ok, err := getJSON(b, key, v)
	if errors.Is(err, ErrUndecodable) {
		db.dmg.record(fmt.Sprintf("record %q", key), err.Error())
		return false, nil
	}
	return ok, err
}

// eachRecordJSON decodes every record of b into a fresh T, skipping (and
// noting) those that do not decode.
func eachRecordJSON[T any](db *DB, b *bolt.Bucket, fn func(T) error) error {
	return b.ForEach(func(k, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			db.dmg.record(fmt.Sprintf("record %q", k), undecodable("%v", err).Error())
			return nil
		}
		return fn(x)
	})
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// ChannelState returns what the last crawl remembered of a channel of the
// archive's default site (zero if the channel was never crawled).
func (db *DB) ChannelState(ctx context.Context, path string) (sppcrawl.ChannelState, error) {
	return db.channelState(ctx, db.site.Host(), path)
}

func (db *DB) channelState(ctx context.Context, host, path string) (sppcrawl.ChannelState, error) {
	zero := sppcrawl.ChannelState{Path: path, Site: strings.ToLower(host)}
	st := zero
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if ok, err := db.getRecordJSON(tx.Bucket(bucketChannels), siteChanKey(host, path), &st); !ok {
			st = zero
			return err
		}
		st.Site = zero.Site
		return nil
	})
	return st, err
}

// PutChannelState records the state of a channel of the archive's
// default site.
func (db *DB) PutChannelState(ctx context.Context, st sppcrawl.ChannelState) error {
	return db.putChannelState(ctx, db.site.Host(), st)
}

func (db *DB) putChannelState(ctx context.Context, host string, st sppcrawl.ChannelState) error {
	st.Site = strings.ToLower(host)
	return db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketChannels), siteChanKey(host, st.Path), st)
	})
}

// ChannelStates lists every channel crawled so far, of every site, by
// site then path.
func (db *DB) ChannelStates(ctx context.Context) ([]sppcrawl.ChannelState, error) {
	return db.channelStates(ctx, "")
}

// channelStates lists the channels of host crawled so far ("": all).
func (db *DB) channelStates(ctx context.Context, host string) ([]sppcrawl.ChannelState, error) {
	var out []sppcrawl.ChannelState
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketChannels).ForEach(func(k, v []byte) error {
			h := keyHost(k)
			if host != "" && h != strings.ToLower(host) {
				return nil
			}
			var st sppcrawl.ChannelState
			if err := json.Unmarshal(v, &st); err != nil {
				db.dmg.record(fmt.Sprintf("record %q", k), undecodable("%v", err).Error())
				return nil
			}
			st.Site = h
			out = append(out, st)
			return nil
		})
	})
	return out, err
}

// RecordFailure adds one failed attempt at f.URL: attempts accumulate over
// runs. f.NextRetry and f.Gone are the caller's decision.
func (db *DB) RecordFailure(ctx context.Context, f sppcrawl.Failure) (sppcrawl.Failure, error) {
	var merged sppcrawl.Failure
	err := db.update(ctx, func(tx *bolt.Tx) (err error) {
		merged, err = recordFailure(tx, f)
		if errors.Is(err, ErrUndecodable) {
			// The old record does not decode: this one replaces it.
			merged = f
			err = putJSON(tx.Bucket(bucketFailures), f.URL, f)
		}
		return err
	})
	return merged, err
}

// recordFailure merges f into the failure log; computed afresh from f each
// time, as a write may run twice (see write).
func recordFailure(tx *bolt.Tx, f sppcrawl.Failure) (sppcrawl.Failure, error) {
	merged := f
	b := tx.Bucket(bucketFailures)
	var old sppcrawl.Failure
	if _, err := getJSON(b, f.URL, &old); err != nil {
		return merged, err
	}
	merged.Attempts += old.Attempts
	if merged.Channel == "" {
		merged.Channel = old.Channel
	}
	return merged, putJSON(b, f.URL, merged)
}

// ClearFailure forgets the failures of url (it has now been stored).
func (db *DB) ClearFailure(ctx context.Context, url string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFailures).Delete([]byte(url))
	})
}

// Failure returns the failure record of url, if any.
func (db *DB) Failure(ctx context.Context, url string) (sppcrawl.Failure, bool, error) {
	var f sppcrawl.Failure
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		ok, err = db.getRecordJSON(tx.Bucket(bucketFailures), url, &f)
		return err
	})
	return f, ok, err
}

// Failures lists failure records: all of them, or (due) only those not gone
// whose next retry is at or before now.
func (db *DB) Failures(ctx context.Context, due bool, now time.Time) ([]sppcrawl.Failure, error) {
	var out []sppcrawl.Failure
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachRecordJSON(db, tx.Bucket(bucketFailures), func(f sppcrawl.Failure) error {
			if due && (f.Gone || f.NextRetry.After(now)) {
				return nil
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

// PutRun records the summary of the latest crawl.
func (db *DB) PutRun(ctx context.Context, r sppcrawl.RunSummary) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketRuns), "last", r)
	})
}

// LastRun returns the summary of the latest crawl, if there was one.
func (db *DB) LastRun(ctx context.Context) (sppcrawl.RunSummary, bool, error) {
	var r sppcrawl.RunSummary
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		ok, err = db.getRecordJSON(tx.Bucket(bucketRuns), "last", &r)
		return err
	})
	return r, ok, err
}

// ForgetChannel forgets what crawls recorded of the default site's channel
// at path (its state, health and walk, and the URLs listed there and never
// stored): for a channel typed by mistake. Its articles stay. It reports
// whether there was anything to forget.
func (db *DB) ForgetChannel(ctx context.Context, path string) (bool, error) {
	return db.forgetChannel(ctx, db.site.Host(), path)
}

func (db *DB) forgetChannel(ctx context.Context, host, path string) (bool, error) {
	var found bool
	key := []byte(siteChanKey(host, path))
	err := db.write(ctx, func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketChannels).Get(key) != nil
		if err := tx.Bucket(bucketChannels).Delete(key); err != nil {
			return err
		}
		gaps, err := keysWhere(tx.Bucket(bucketSeen), func(k, v []byte) bool {
			ch, _ := seenChannel(v)
			return ch == path && sppcrawl.URLHost(string(k)) == strings.ToLower(host)
		})
		if err != nil {
			return err
		}
		for _, k := range gaps {
			if err := tx.Bucket(bucketSeen).Delete(k); err != nil {
				return err
			}
		}
		found = found || len(gaps) > 0
		return nil
	})
	return found, err
}

var keySiteMap = []byte("sitemap") // in the meta bucket: sppcrawl.SiteMap (JSON)

// SiteMap is the channels the default site's navigation listed when last
// read (zero before any discovery).
func (db *DB) SiteMap(ctx context.Context) (sppcrawl.SiteMap, error) {
	return db.siteMap(ctx, db.site.Host())
}

func (db *DB) siteMap(ctx context.Context, host string) (sppcrawl.SiteMap, error) {
	var m sppcrawl.SiteMap
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := db.getRecordJSON(tx.Bucket(bucketMeta), string(siteMapKey(host)), &m)
		return err
	})
	return m, err
}

// PutSiteMap records what the default site's navigation lists.
func (db *DB) PutSiteMap(ctx context.Context, m sppcrawl.SiteMap) error {
	return db.putSiteMap(ctx, db.site.Host(), m)
}

func (db *DB) putSiteMap(ctx context.Context, host string, m sppcrawl.SiteMap) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketMeta), string(siteMapKey(host)), m)
	})
}
