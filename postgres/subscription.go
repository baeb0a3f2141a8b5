package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"sppcrawl"

	"github.com/jackc/pgx/v5"
)

// keptDeliveries is how many deliveries a subscription's log keeps.
const keptDeliveries = 1000

// PutSubscription stores a subscription, new or changed.
func (db *DB) PutSubscription(ctx context.Context, s sppcrawl.Subscription) error {
	return wrap("put subscription "+s.ID, db.tx(ctx, func(tx pgx.Tx) error {
		return putDoc(ctx, tx, "INSERT INTO subscriptions (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc", s.ID, s)
	}))
}

// Subscription reads one subscription; ErrNotFound if there is none.
func (db *DB) Subscription(ctx context.Context, id string) (sppcrawl.Subscription, error) {
	var s sppcrawl.Subscription
	ok, err := getDoc(ctx, db.rd(), &s, "SELECT doc FROM subscriptions WHERE id = $1", id)
	switch {
	case err != nil:
		return s, fmt.Errorf("subscription %s: %w", id, err)
	case !ok:
		return s, notFound("subscription %s", id)
	}
	return s, nil
}

// Subscriptions lists every subscription, by id.
func (db *DB) Subscriptions(ctx context.Context) ([]sppcrawl.Subscription, error) {
	var out []sppcrawl.Subscription
	err := eachDoc(ctx, db.rd(), func(s sppcrawl.Subscription) error { out = append(out, s); return nil },
		"SELECT doc FROM subscriptions ORDER BY id")
	return out, wrap("subscriptions", err)
}

// UpdateSubscription changes a subscription atomically (its row locked):
// an error of fn changes nothing.
func (db *DB) UpdateSubscription(ctx context.Context, id string, fn func(*sppcrawl.Subscription) error) (sppcrawl.Subscription, error) {
	return db.updateSubscription(ctx, id, fn, nil)
}

func (db *DB) updateSubscription(ctx context.Context, id string, fn func(*sppcrawl.Subscription) error, also func(pgxTx) error) (sppcrawl.Subscription, error) {
	var s sppcrawl.Subscription
	err := db.tx(ctx, func(tx pgxTx) error {
		s = sppcrawl.Subscription{}
		ok, err := getDoc(ctx, tx, &s, "SELECT doc FROM subscriptions WHERE id = $1 FOR UPDATE", id)
		switch {
		case err != nil:
			return fmt.Errorf("subscription %s: %w", id, err)
		case !ok:
			return notFound("subscription %s", id)
		}
		if err := fn(&s); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		return putDoc(ctx, tx, "UPDATE subscriptions SET doc = $2 WHERE id = $1", id, s)
	})
	return s, err
}

// RecordDelivery logs a delivery and applies its outcome to the
// subscription in one commit.
func (db *DB) RecordDelivery(ctx context.Context, id string, d sppcrawl.Delivery, fn func(*sppcrawl.Subscription)) (sppcrawl.Subscription, error) {
	return db.updateSubscription(ctx, id, func(s *sppcrawl.Subscription) error { fn(s); return nil }, func(tx pgxTx) error {
		v, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO deliveries (id, at, doc) VALUES ($1, $2, $3) ON CONFLICT (id, at) DO UPDATE SET doc = EXCLUDED.doc",
			id, d.At.UnixNano(), string(v))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM deliveries WHERE id = $1 AND at < (SELECT min(at) FROM
			(SELECT at FROM deliveries WHERE id = $1 ORDER BY at DESC LIMIT $2) AS kept)`, id, keptDeliveries)
		return err
	})
}

// Deliveries is up to n of a subscription's deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, id string, n int) ([]sppcrawl.Delivery, error) {
	var out []sppcrawl.Delivery
	err := eachDoc(ctx, db.rd(), func(d sppcrawl.Delivery) error { out = append(out, d); return nil },
		"SELECT doc FROM deliveries WHERE id = $1 ORDER BY at DESC LIMIT $2", id, n)
	return out, wrap("deliveries of "+id, err)
}

// DeleteSubscription removes a subscription and its delivery log.
func (db *DB) DeleteSubscription(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx pgxTx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM subscriptions WHERE id = $1", id)
		switch {
		case err != nil:
			return fmt.Errorf("delete subscription %s: %w", id, err)
		case tag.RowsAffected() == 0:
			return notFound("subscription %s", id)
		}
		_, err = tx.Exec(ctx, "DELETE FROM deliveries WHERE id = $1", id)
		return wrap("delete subscription "+id, err)
	})
}
