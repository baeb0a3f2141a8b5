package postgres_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// openTwice opens one database as two processes would: two archives, two
// pools.
func openTwice(t *testing.T) [2]*postgres.DB {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(context.Background(), dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs
}

// TestDB_Lease: a lease is its holder's until released or run out; a
// lease run out is taken over, and its old holder learns so on renewal.
// A ttl of 0 runs out at once, so expiry is tested without waiting.
func TestDB_Lease(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	const k, k2 = "walk www.spp.gov.cn/spp/jczdal/", "push"
	type step struct {
		name    string
		do      func() (bool, error)
		want    bool
		wantErr error
	}
	acq := func(db int, key, holder string, ttl time.Duration) func() (bool, error) {
		return func() (bool, error) { return dbs[db].Acquire(ctx, key, holder, ttl) }
	}
	renew := func(db int, key, holder string) func() (bool, error) {
		return func() (bool, error) { return true, dbs[db].Renew(ctx, key, holder, time.Minute) }
	}
	release := func(db int, key, holder string) func() (bool, error) {
		return func() (bool, error) { return true, dbs[db].Release(ctx, key, holder) }
	}
	for _, s := range []step{
		{"A takes k", acq(0, k, "A", time.Minute), true, nil},
		{"B is refused k", acq(1, k, "B", time.Minute), false, nil},
		{"A takes k again", acq(0, k, "A", time.Minute), true, nil},
		{"B cannot renew k", renew(1, k, "B"), true, sppcrawl.ErrLeaseLost},
		{"A renews k", renew(1, k, "A"), true, nil},
		{"B's release leaves A's k", release(1, k, "B"), true, nil},
		{"B still refused k", acq(1, k, "B", time.Minute), false, nil},
		{"A releases k", release(0, k, "A"), true, nil},
		{"B takes k released", acq(1, k, "B", time.Minute), true, nil},
		{"A takes k2 running out at once", acq(0, k2, "A", 0), true, nil},
		{"A renews k2 run out that nobody took", renew(0, k2, "A"), true, nil},
		{"A lets k2 run out again", acq(0, k2, "A", 0), true, nil},
		{"B takes k2 run out", acq(1, k2, "B", time.Minute), true, nil},
		{"A learns k2 lost", renew(0, k2, "A"), true, sppcrawl.ErrLeaseLost},
		{"A refused k2", acq(0, k2, "A", time.Minute), false, nil},
	} {
		got, err := s.do()
		if !errors.Is(err, s.wantErr) || (err == nil) != (s.wantErr == nil) {
			t.Fatalf("%s: error %v, want %v", s.name, err, s.wantErr)
		}
		if got != s.want {
			t.Fatalf("%s: granted %v, want %v", s.name, got, s.want)
		}
	}
}

// TestDB_Lease_AtOnce: holders in two processes asking for one lease at
// once: exactly one gets it.
func TestDB_Lease_AtOnce(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	for round := range 10 {
		key := "walk host/" + string(rune('a'+round)) + "/"
		var mu sync.Mutex
		var winners []string
		var wg sync.WaitGroup
		for i := range 8 {
			holder := string(rune('A' + i))
			wg.Go(func() {
				ok, err := dbs[i%2].Acquire(ctx, key, holder, time.Minute)
				if err != nil {
					t.Errorf("acquire %s: %v", holder, err)
				}
				if ok {
					mu.Lock()
					winners = append(winners, holder)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: %d holders got the lease (%v), want 1", round, len(winners), winners)
		}
	}
}

// TestDB_ClaimStart_TwoProcesses: two processes booking requests to one
// host at once never book two starts nearer than the gap. A booking is
// known within the call's span: the server's instant T lies in
// [called+wait, returned+wait], so T2-T1 >= gap implies
// returned2+wait2 - (called1+wait1) >= gap.
func TestDB_ClaimStart_TwoProcesses(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	const gap = 40 * time.Millisecond
	type booking struct{ lo, hi time.Time }
	var mu sync.Mutex
	var got []booking
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 10 {
				called := time.Now()
				wait, err := dbs[i%2].ClaimStart(ctx, "www.spp.gov.cn", gap)
				returned := time.Now()
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, booking{called.Add(wait), returned.Add(wait)})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Sound under load, when a call's span is wider than the gap and the
	// order of the spans is not that of the bookings: two bookings lie in
	// the union of their spans, so it is at least the gap wide, and all of
	// them in the union of all, at least n-1 gaps wide.
	slices.SortFunc(got, func(a, b booking) int { return a.lo.Compare(b.lo) })
	last := got[0].hi
	for i := 1; i < len(got); i++ {
		if d := later(got[i].hi, got[i-1].hi).Sub(got[i-1].lo); d < gap {
			t.Errorf("bookings %d and %d within %v, want at least %v apart", i-1, i, d, gap)
		}
		last = later(last, got[i].hi)
	}
	if d, want := last.Sub(got[0].lo), time.Duration(len(got)-1)*gap; d < want {
		t.Errorf("%d bookings within %v, want at least %v", len(got), d, want)
	}
	// Another host has its own pace: its first request waits for nobody.
	if wait, err := dbs[0].ClaimStart(ctx, "www.12309.gov.cn", gap); err != nil || wait != 0 {
		t.Errorf("first booking of another host waits %v (%v), want 0", wait, err)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
