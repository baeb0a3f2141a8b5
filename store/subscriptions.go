package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

var (
	bucketSubs       = []byte("subs")       // id → sppcrawl.Subscription (JSON)
	bucketDeliveries = []byte("deliveries") // id \x00 attempt time (8 bytes) → sppcrawl.Delivery (JSON)
)

// keptDeliveries is how many deliveries of a subscription the log keeps.
const keptDeliveries = 1000

// PutSubscription stores a subscription, new or changed.
func (db *DB) PutSubscription(ctx context.Context, s sppcrawl.Subscription) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketSubs), s.ID, s) })
}

// Subscription reads one subscription, or ErrNotFound.
func (db *DB) Subscription(ctx context.Context, id string) (sppcrawl.Subscription, error) {
	var s sppcrawl.Subscription
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok, err := getSub(tx, id, &s)
		if err == nil && !ok {
			err = fmt.Errorf("subscription %s: %w", id, ErrNotFound)
		}
		return err
	})
	return s, err
}

func getSub(tx *bolt.Tx, id string, s *sppcrawl.Subscription) (bool, error) {
	b := tx.Bucket(bucketSubs)
	if b == nil {
		return false, nil
	}
	return getJSON(b, id, s)
}

// Subscriptions lists every subscription, by id.
func (db *DB) Subscriptions(ctx context.Context) ([]sppcrawl.Subscription, error) {
	var out []sppcrawl.Subscription
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		if b == nil {
			return nil
		}
		return eachRecordJSON(db, b, func(s sppcrawl.Subscription) error {
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// UpdateSubscription changes a subscription in one transaction: fn gets
// it as stored (ErrNotFound if there is none) and changes it in place.
func (db *DB) UpdateSubscription(ctx context.Context, id string, fn func(*sppcrawl.Subscription) error) (sppcrawl.Subscription, error) {
	return db.updateSubscription(ctx, id, fn)
}

// updateSubscription is UpdateSubscription doing also in the same
// transaction; the root interface has no *bolt.Tx, so only the store's own
// callers pass also.
func (db *DB) updateSubscription(ctx context.Context, id string, fn func(*sppcrawl.Subscription) error, also ...func(*bolt.Tx) error) (sppcrawl.Subscription, error) {
	var s sppcrawl.Subscription
	err := db.update(ctx, func(tx *bolt.Tx) error {
		for _, f := range also {
			if err := f(tx); err != nil {
				return err
			}
		}
		s = sppcrawl.Subscription{}
		ok, err := getSub(tx, id, &s)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
		}
		if err := fn(&s); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketSubs), id, s)
	})
	return s, err
}

// RecordDelivery logs a delivery of a subscription and applies its
// outcome (fn: the cursor moved past what was acknowledged, or the retry
// scheduled) in one transaction: a kill after the receiver's 2xx and
// before this commit sends those events again, never loses them.
func (db *DB) RecordDelivery(ctx context.Context, id string, d sppcrawl.Delivery, fn func(*sppcrawl.Subscription)) (sppcrawl.Subscription, error) {
	return db.updateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		fn(s)
		return nil
	}, func(tx *bolt.Tx) error { return putDelivery(tx, id, d) })
}

func putDelivery(tx *bolt.Tx, id string, d sppcrawl.Delivery) error {
	b := tx.Bucket(bucketDeliveries)
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	prefix := append([]byte(id), 0)
	if err := b.Put(binary.BigEndian.AppendUint64(prefix, uint64(d.At.UnixNano())), v); err != nil {
		return err
	}
	// Keep the newest keptDeliveries: drop from the oldest.
	c := b.Cursor()
	n := 0
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix) && n > keptDeliveries; k, _ = c.Seek(prefix) {
		if err := b.Delete(k); err != nil {
			return err
		}
		n--
	}
	return nil
}

func hasPrefix(k, p []byte) bool { return len(k) >= len(p) && string(k[:len(p)]) == string(p) }

// Deliveries returns up to n of a subscription's deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, id string, n int) ([]sppcrawl.Delivery, error) {
	var out []sppcrawl.Delivery
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeliveries)
		if b == nil {
			return nil
		}
		prefix := append([]byte(id), 0)
		c := b.Cursor()
		k, _ := c.Seek(append([]byte(id), 1))
		var v []byte
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && hasPrefix(k, prefix) && len(out) < n; k, v = c.Prev() {
			var d sppcrawl.Delivery
			if err := json.Unmarshal(v, &d); err != nil {
				continue // one damaged entry of a log hides nothing else
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// DeleteSubscription removes a subscription and its delivery log.
func (db *DB) DeleteSubscription(ctx context.Context, id string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubs)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		d := tx.Bucket(bucketDeliveries)
		prefix := append([]byte(id), 0)
		c := d.Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := d.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
