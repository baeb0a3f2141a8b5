package sppcrawl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// LeaseKeeping says whose leases a LeaseKeeper keeps and whom it tells what
// happened to them.
type LeaseKeeping struct {
	Leases Leaser
	Holder string
	TTL    time.Duration
	// Lost is told, once, of a lease another holder took: it is no
	// longer renewed, and what it guarded is that holder's now. May be nil.
	Lost func(key string)
	// Failed is told of a renewal that failed otherwise (the database
	// away): the lease is still held and renewed again next time. May be nil.
	Failed func(key string, err error)
}

// LeaseKeeper keeps the leases a holder takes through it until they are
// released or lost: each is renewed a third of its time apart, so that two
// renewals may fail (the database restarting) before it runs out. It is
// the one renewal loop of the crawl's channels and phases and of push's
// delivery lease.
type LeaseKeeper struct {
	o    LeaseKeeping
	ctx  context.Context
	mu   sync.Mutex
	held map[string]bool
	lost map[string]bool
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// KeepLeases starts keeping o.Holder's leases; ctx is the renewals' (its
// end stops them). Close stops the renewals and gives the leases up.
func KeepLeases(ctx context.Context, o LeaseKeeping) *LeaseKeeper {
	k := &LeaseKeeper{o: o, ctx: ctx, held: map[string]bool{}, lost: map[string]bool{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go k.renewals()
	return k
}

// Acquire takes the lease on key and keeps it from now on; false while
// another holder's lease runs.
func (k *LeaseKeeper) Acquire(ctx context.Context, key string) (bool, error) {
	ok, err := k.o.Leases.Acquire(ctx, key, k.o.Holder, k.o.TTL)
	if ok && err == nil {
		k.mu.Lock()
		k.held[key] = true
		delete(k.lost, key)
		k.mu.Unlock()
	}
	return ok, err
}

// Release stops renewing the lease on key and gives it up.
func (k *LeaseKeeper) Release(ctx context.Context, key string) error {
	k.mu.Lock()
	delete(k.held, key)
	k.mu.Unlock()
	return k.o.Leases.Release(ctx, key, k.o.Holder)
}

// Lost reports whether another holder took the lease on key from this one.
func (k *LeaseKeeper) Lost(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.lost[key]
}

// Close stops the renewals and gives up every lease still held; one not
// given up runs out by itself, a lease's time later.
func (k *LeaseKeeper) Close(ctx context.Context) error {
	k.once.Do(func() { close(k.stop) })
	<-k.done
	k.mu.Lock()
	keys := make([]string, 0, len(k.held))
	for key := range k.held {
		keys = append(keys, key)
	}
	k.held = map[string]bool{}
	k.mu.Unlock()
	var errs []error
	for _, key := range keys {
		if err := k.o.Leases.Release(ctx, key, k.o.Holder); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("release leases: %w", err)
	}
	return nil
}

// renewals renews the held leases until Close or the end of k.ctx.
func (k *LeaseKeeper) renewals() {
	defer close(k.done)
	t := time.NewTicker(max(k.o.TTL/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-k.ctx.Done():
			return
		case <-t.C:
		}
		k.mu.Lock()
		keys := make([]string, 0, len(k.held))
		for key := range k.held {
			keys = append(keys, key)
		}
		k.mu.Unlock()
		for _, key := range keys {
			k.renew(key)
		}
	}
}

// renew renews one lease, and tells of it when it failed.
func (k *LeaseKeeper) renew(key string) {
	err := k.o.Leases.Renew(k.ctx, key, k.o.Holder, k.o.TTL)
	switch {
	case errors.Is(err, ErrLeaseLost):
		k.mu.Lock()
		held := k.held[key] // not released meanwhile
		delete(k.held, key)
		if held {
			k.lost[key] = true
		}
		k.mu.Unlock()
		if held && k.o.Lost != nil {
			k.o.Lost(key)
		}
	case err != nil && k.o.Failed != nil:
		k.o.Failed(key, err)
	}
}
