package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A process that writes the archive (serve --crawl-every) holds its lock
// for as long as it runs, and bbolt lets no other process read beside it.
// ReadBeside reads without the lock, as a database's hot copy does: it
// copies some buckets of the last committed transaction T with the
// bounds-checked walk of the structure check, then reads the meta pages
// again. The writer overwrites only pages free in T while T is the last
// commit (bbolt frees a page of T at T+1's commit at the earliest, and
// reuses it from T+2 on), so if T is still the last commit when the copy
// ends, nothing it read was written meanwhile; else it copies again.

// ErrBusy: the archive was committed to faster than a copy could be made.
var ErrBusy = errors.New("the archive changed during every copy of it")

// snapshotBuckets are the buckets ReadBeside copies besides those asked
// for: what opening a copy needs.
var snapshotBuckets = [][]byte{bucketMeta}

// ReadSubscriptionsBeside is ReadBeside of what the subscriptions'
// commands read: the subscriptions, their deliveries and the event log.
func ReadSubscriptionsBeside(ctx context.Context, path string, timeout time.Duration) (*DB, error) {
	return ReadBeside(ctx, path, timeout, bucketSubs, bucketDeliveries, bucketEvents)
}

// ReadBeside opens, read-only, a copy of the named top-level buckets of
// the archive at path, made without its lock while another process may be
// writing it; it tries for up to timeout. The copy is a temporary file,
// removed when the DB is closed. Only what the buckets hold can be read
// from it.
func ReadBeside(ctx context.Context, path string, timeout time.Duration, buckets ...[]byte) (*DB, error) {
	if err := checkFile(path, true); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	defer f.Close()
	want := append(slices.Clone(snapshotBuckets), buckets...)
	deadline := time.Now().Add(timeout)
	for {
		tmp, err := copyBeside(f, want)
		if err == nil {
			db, err := Open(tmp, Options{ReadOnly: true, MustExist: true})
			if err != nil {
				os.Remove(tmp)
				return nil, fmt.Errorf("read archive %s beside its writer: %w", path, err)
			}
			db.snapshot = tmp
			return db, nil
		}
		if !errors.Is(err, ErrBusy) || time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("read archive %s beside its writer: %w", path, err)
		}
	}
}

// copyBeside copies the buckets named in want of f's last commit into a
// new temporary bbolt file: ErrBusy if a commit made meanwhile may have
// overwritten what the copy read. The records are read into memory first,
// so that a commit has only the walk's time to come between.
func copyBeside(f *os.File, want [][]byte) (string, error) {
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	before, err := lastTxid(f, fi.Size())
	if err != nil {
		return "", err
	}
	var recs []salvaged
	c := &structureCheck{r: f, size: fi.Size(),
		visit: func(b bucketPath, k, v []byte) error {
			recs = append(recs, salvaged{append(bucketPath(nil), b...), k, v})
			return nil
		},
		skip: func(b bucketPath) bool {
			return !slices.ContainsFunc(want, func(name []byte) bool { return bytes.Equal(name, b[0]) })
		}}
	err = c.walk()
	if after, aerr := lastTxid(f, fi.Size()); err == nil && aerr == nil && after != before {
		return "", ErrBusy
	}
	switch {
	case err != nil:
		return "", err
	case c.rep.Damaged > 0:
		return "", fmt.Errorf("%w: %s", ErrDamaged, c.rep.Problems[0])
	}
	return writeCopy(recs)
}

// writeCopy writes the records into a new temporary bbolt file, with every
// bucket of the archive (those not copied empty: the archive's reads find
// what they expect; Events merges the articles of a release without an
// event log, so beside a writer only recorded events count).
func writeCopy(recs []salvaged) (string, error) {
	out, err := os.CreateTemp("", "sppcrawl-snapshot-*.db")
	if err != nil {
		return "", err
	}
	tmp := out.Name()
	out.Close()
	bdb, err := bolt.Open(tmp, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	w := &salvageWriter{db: bdb, rep: &SalvageReport{}, batch: recs}
	err = w.flush()
	if err == nil {
		err = bdb.Update(func(tx *bolt.Tx) error {
			for _, name := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err = errors.Join(err, bdb.Close()); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// lastTxid is the transaction of f's meta page bbolt would use.
func lastTxid(f *os.File, size int64) (uint64, error) {
	c := &structureCheck{r: f, size: size}
	m, err := c.meta()
	if err == nil && m == nil {
		err = fmt.Errorf("%w: neither meta page is valid", ErrDamaged)
	}
	if err != nil {
		return 0, err
	}
	return m.txid, nil
}
