package postgres_test

import (
	"context"
	"testing"
	"time"

	"sppcrawl"
)

// renewals passes every call to the archive's leases, and tells of each
// renewal that succeeded, by key.
type renewals struct {
	sppcrawl.Leaser
	renewed chan string
}

func (r renewals) Renew(ctx context.Context, key, holder string, ttl time.Duration) error {
	err := r.Leaser.Renew(ctx, key, holder, ttl)
	if err == nil {
		r.renewed <- key
	}
	return err
}

// awaitRenewals waits until key has been renewed n times.
func awaitRenewals(t *testing.T, renewed <-chan string, key string, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for n > 0 {
		select {
		case got := <-renewed:
			if got == key {
				n--
			}
		case <-timeout:
			t.Fatalf("lease %q not renewed %d more times in 30s", key, n)
		}
	}
}

// TestLeaseKeeper_Renews: a lease kept outlives its time many times over,
// renewed, and another holder is refused it; Close gives it up at once.
func TestLeaseKeeper_Renews(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	spy := renewals{dbs[0], make(chan string, 100)}
	k := sppcrawl.KeepLeases(ctx, sppcrawl.LeaseKeeping{Leases: spy, Holder: "A", TTL: 150 * time.Millisecond,
		Lost: func(key string) { t.Errorf("lease %s reported lost", key) }})
	if ok, err := k.Acquire(ctx, "walk a"); !ok || err != nil {
		t.Fatalf("acquire: %v, %v", ok, err)
	}
	awaitRenewals(t, spy.renewed, "walk a", 6) // two lease times at least
	if ok, err := dbs[1].Acquire(ctx, "walk a", "B", time.Minute); ok || err != nil {
		t.Fatalf("another holder acquires a kept lease: %v, %v", ok, err)
	}
	if err := k.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := dbs[1].Acquire(ctx, "walk a", "B", time.Minute); !ok || err != nil {
		t.Fatalf("another holder is refused a lease given up by Close: %v, %v", ok, err)
	}
}

// TestLeaseKeeper_Lost: a lease another holder took is reported lost once,
// no longer renewed, and Close leaves it to that holder.
func TestLeaseKeeper_Lost(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	lost := make(chan string, 10)
	k := sppcrawl.KeepLeases(ctx, sppcrawl.LeaseKeeping{Leases: dbs[0], Holder: "A", TTL: 60 * time.Millisecond,
		Lost: func(key string) { lost <- key }})
	if ok, err := k.Acquire(ctx, "push"); !ok || err != nil {
		t.Fatalf("acquire: %v, %v", ok, err)
	}
	// As when A stalled past its lease: it ran out and B took it.
	if err := dbs[1].Release(ctx, "push", "A"); err != nil {
		t.Fatal(err)
	}
	if ok, err := dbs[1].Acquire(ctx, "push", "B", time.Minute); !ok || err != nil {
		t.Fatalf("B acquires: %v, %v", ok, err)
	}
	select {
	case key := <-lost:
		if key != "push" {
			t.Errorf("lost %q, want push", key)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a lease taken by another holder not reported lost in 30s")
	}
	if !k.Lost("push") {
		t.Error("Lost(push) = false after it was reported lost")
	}
	if err := k.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(lost) != 0 {
		t.Errorf("lost reported again: %q", <-lost)
	}
	if ok, err := dbs[1].Acquire(ctx, "push", "C", time.Minute); ok || err != nil {
		t.Errorf("C acquires the lease B holds after A's Close: %v, %v", ok, err)
	}
}

// TestLeaseKeeper_ReleaseStopsRenewal: a lease released is renewed no more
// (another holder takes it, and the keeper neither renews it nor reports it
// lost) while the leases still held go on being renewed.
func TestLeaseKeeper_ReleaseStopsRenewal(t *testing.T) {
	dbs := openTwice(t)
	ctx := context.Background()
	spy := renewals{dbs[0], make(chan string, 100)}
	k := sppcrawl.KeepLeases(ctx, sppcrawl.LeaseKeeping{Leases: spy, Holder: "A", TTL: 60 * time.Millisecond,
		Lost: func(key string) { t.Errorf("lease %s reported lost after its release", key) }})
	defer k.Close(ctx)
	for _, key := range []string{"walk a", "walk b"} {
		if ok, err := k.Acquire(ctx, key); !ok || err != nil {
			t.Fatalf("acquire %s: %v, %v", key, ok, err)
		}
	}
	if err := k.Release(ctx, "walk a"); err != nil {
		t.Fatal(err)
	}
	if ok, err := dbs[1].Acquire(ctx, "walk a", "B", time.Minute); !ok || err != nil {
		t.Fatalf("B is refused a released lease: %v, %v", ok, err)
	}
	// Were walk a still renewed, its renewals, B's lease now, would report
	// it lost while walk b's go on.
	awaitRenewals(t, spy.renewed, "walk b", 4)
	if k.Lost("walk a") {
		t.Error("a released lease counted lost")
	}
}
