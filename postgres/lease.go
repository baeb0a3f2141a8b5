package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// The leases are rows (table leases) whose expiry is the server's clock:
// a lease runs out for everyone at the same moment whatever the clocks of
// the machines holding it say.

// Acquire takes the lease on key for holder until ttl from now: inserted,
// or taken over when its holder's time has run out, or renewed when holder
// has it already.
func (db *DB) Acquire(ctx context.Context, key, holder string, ttl time.Duration) (bool, error) {
	var got bool
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var h string
		err := tx.QueryRow(ctx, `INSERT INTO leases (key, holder, expires)
			VALUES ($1, $2, clock_timestamp() + $3 * interval '1 microsecond')
			ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
			WHERE leases.holder = excluded.holder OR leases.expires <= clock_timestamp()
			RETURNING holder`, key, holder, ttl.Microseconds()).Scan(&h)
		got = err == nil
		if noRows(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", key, err)
	}
	return got, nil
}

// Renew moves holder's lease on key to ttl from now. A lease run out that
// nobody took is still holder's: nothing it guards was done by another.
func (db *DB) Renew(ctx context.Context, key, holder string, ttl time.Duration) error {
	var n int64
	err := db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE leases SET expires = clock_timestamp() + $3 * interval '1 microsecond'
			WHERE key = $1 AND holder = $2`, key, holder, ttl.Microseconds())
		n = tag.RowsAffected()
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("renew lease %s: %w", key, err)
	case n == 0:
		return fmt.Errorf("renew lease %s: %w", key, sppcrawl.ErrLeaseLost)
	}
	return nil
}

// Release gives up holder's lease on key; another holder's is left alone.
func (db *DB) Release(ctx context.Context, key, holder string) error {
	err := db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM leases WHERE key = $1 AND holder = $2", key, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", key, err)
	}
	return nil
}

// ClaimStart books the next request to host: gap after the one booked
// before it, or now when that is past. One statement, so two processes
// booking at once are ordered by the row's lock.
func (db *DB) ClaimStart(ctx context.Context, host string, gap time.Duration) (time.Duration, error) {
	var wait int64
	err := db.tx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO host_pace AS p (host, next) VALUES ($1, clock_timestamp())
			ON CONFLICT (host) DO UPDATE SET next = greatest(p.next + $2 * interval '1 microsecond', clock_timestamp())
			RETURNING (extract(epoch FROM next - clock_timestamp()) * 1000000)::bigint`, host, gap.Microseconds()).Scan(&wait)
	})
	if err != nil {
		return 0, fmt.Errorf("pace %s: %w", host, err)
	}
	return max(time.Duration(wait)*time.Microsecond, 0), nil
}
