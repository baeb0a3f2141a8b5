package push_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/internal/testarchive"
	"sppcrawl/postgres"
	"sppcrawl/push"
)

// twoProcesses opens one PostgreSQL archive as two processes would, with a
// pusher each, subscribed to by r from seq 0.
func twoProcesses(t *testing.T, r *receiver, lease time.Duration) ([2]*postgres.DB, [2]*push.Pusher) {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	var dbs [2]*postgres.DB
	var ps [2]*push.Pusher
	for i := range dbs {
		db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
		ps[i] = push.New(db, push.Options{Schedule: fast, Timeout: 5 * time.Second, Lease: lease, Holder: string(rune('A' + i))})
	}
	s, err := ps[0].Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	if err != nil {
		t.Fatal(err)
	}
	r.setSecrets(s.Secret)
	return dbs, ps
}

// onceEach checks that the receiver got events 1…n, each once.
func onceEach(t *testing.T, r *receiver, n int) {
	t.Helper()
	seen := map[uint64]int{}
	for _, e := range r.events() {
		seen[e.Seq]++
	}
	for seq := uint64(1); seq <= uint64(n); seq++ {
		if seen[seq] != 1 {
			t.Errorf("event %d received %d times, want once", seq, seen[seq])
		}
	}
	if len(seen) != n {
		t.Errorf("%d events received, want %d", len(seen), n)
	}
}

// TestPush_DeliveryLease_TwoPushers: two processes delivering at once from
// one database: one holds the delivery lease, the other leaves the round
// to it; every event reaches the receiver once.
func TestPush_DeliveryLease_TwoPushers(t *testing.T) {
	r := newReceiver(t)
	r.fail = func(int) (int, http.Header) { time.Sleep(5 * time.Millisecond); return 0, nil } // a receiver taking its time
	dbs, ps := twoProcesses(t, r, time.Minute)
	ctx := context.Background()
	n := 0
	var elsewhere atomic.Int32
	for round := range 10 {
		for range 3 {
			if _, err := dbs[round%2].Upsert(ctx, testarchive.Article(n), nil); err != nil {
				t.Fatal(err)
			}
			n++
		}
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Go(func() {
				res, err := p.DeliverDue(ctx)
				if err != nil {
					t.Errorf("round %d: %v", round, err)
				}
				if res.Elsewhere {
					elsewhere.Add(1)
				}
			})
		}
		wg.Wait()
	}
	onceEach(t, r, n)
	t.Logf("%d of 20 rounds left to the other process", elsewhere.Load())
}

// TestPush_DeliveryLease_HolderDies: the process holding the delivery lease
// dies without releasing it; once it runs out another process delivers,
// nothing lost, nothing twice.
func TestPush_DeliveryLease_HolderDies(t *testing.T) {
	r := newReceiver(t)
	dbs, ps := twoProcesses(t, r, 400*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 5
	for i := range n {
		if _, err := dbs[0].Upsert(ctx, testarchive.Article(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	// The dead process's lease: taken, never renewed nor released.
	if ok, err := dbs[0].Acquire(ctx, sppcrawl.DeliveryLease, "dead", 300*time.Millisecond); !ok || err != nil {
		t.Fatalf("the dead process's lease: %v, %v", ok, err)
	}
	if res, err := ps[1].DeliverDue(ctx); err != nil || !res.Elsewhere || res.Requests != 0 {
		t.Fatalf("while the dead process's lease runs: %+v, %v; want the round left to it", res, err)
	}
	done := make(chan struct{})
	go func() { defer close(done); ps[1].Run(ctx, nil) }()
	for got := 0; got < n; got = len(r.events()) {
		select {
		case <-r.arrived:
		case <-time.After(30 * time.Second):
			t.Fatalf("%d of %d events delivered after the dead process's lease ran out", got, n)
		}
	}
	cancel()
	<-done
	onceEach(t, r, n)
}
