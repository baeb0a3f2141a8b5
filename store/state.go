package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sppcrawl/extract"
)

func getJSON(b *bolt.Bucket, key string, v any) (bool, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode record %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// ChannelState returns what the last crawl remembered of a channel (zero if
// the channel was never crawled).
func (db *DB) ChannelState(ctx context.Context, path string) (extract.ChannelState, error) {
	st := extract.ChannelState{Path: path}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketChannels), path, &st)
		return err
	})
	return st, err
}

// PutChannelState records a channel's state.
func (db *DB) PutChannelState(ctx context.Context, st extract.ChannelState) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketChannels), st.Path, st)
	})
}

// ChannelStates lists every channel crawled so far.
func (db *DB) ChannelStates(ctx context.Context) ([]extract.ChannelState, error) {
	var out []extract.ChannelState
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketChannels).ForEach(func(k, v []byte) error {
			var st extract.ChannelState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode channel %q: %w", k, err)
			}
			out = append(out, st)
			return nil
		})
	})
	return out, err
}

// RecordFailure adds one failed attempt at f.URL: attempts accumulate over
// runs. f.NextRetry and f.Gone are the caller's decision.
func (db *DB) RecordFailure(ctx context.Context, f extract.Failure) (extract.Failure, error) {
	var merged extract.Failure
	err := db.update(ctx, func(tx *bolt.Tx) error {
		// Computed afresh from f: a write may run twice (see write).
		merged = f
		b := tx.Bucket(bucketFailures)
		var old extract.Failure
		if _, err := getJSON(b, f.URL, &old); err != nil {
			return err
		}
		merged.Attempts += old.Attempts
		if merged.Channel == "" {
			merged.Channel = old.Channel
		}
		return putJSON(b, f.URL, merged)
	})
	return merged, err
}

// ClearFailure forgets the failures of url (it has now been stored).
func (db *DB) ClearFailure(ctx context.Context, url string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFailures).Delete([]byte(url))
	})
}

// Failure returns the failure record of url, if any.
func (db *DB) Failure(ctx context.Context, url string) (extract.Failure, bool, error) {
	var f extract.Failure
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketFailures), url, &f)
		return err
	})
	return f, ok, err
}

// Failures lists failure records: all of them, or (due) only those not gone
// whose next retry is at or before now.
func (db *DB) Failures(ctx context.Context, due bool, now time.Time) ([]extract.Failure, error) {
	var out []extract.Failure
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFailures).ForEach(func(k, v []byte) error {
			var f extract.Failure
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode failure %q: %w", k, err)
			}
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
func (db *DB) PutRun(ctx context.Context, r extract.RunSummary) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketRuns), "last", r)
	})
}

// LastRun returns the summary of the latest crawl, if there was one.
func (db *DB) LastRun(ctx context.Context) (extract.RunSummary, bool, error) {
	var r extract.RunSummary
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketRuns), "last", &r)
		return err
	})
	return r, ok, err
}
