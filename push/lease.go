package push

import (
	"context"
	"time"

	"sppcrawl"
)

// Of several processes sharing an archive (serve replicas on PostgreSQL),
// one delivers at a time: a round of deliveries holds the delivery lease
// (sppcrawl.DeliveryLease), renewed while it runs. A process refused it
// leaves the round to the holder and asks again a lease's half later, so
// when the holder dies another takes over within a lease and a half.
// Nothing is lost: a subscription's cursor moves in the commit that logs
// its delivery, so the next holder starts where the last commit left it;
// what the dead holder sent without committing is sent again under the
// same webhook-id (msg_<subscription>_<seq>), which receivers deduplicate.

// defaultDeliveryLease is how long the delivery lease lasts without a renewal.
const defaultDeliveryLease = 2 * time.Minute

// holdLease takes the delivery lease for a round. held is false when
// another process holds it. The round's ctx ends with ErrLeaseLost as its
// cause should the lease be taken meanwhile; done stops the renewals and
// gives the lease up.
func (p *Pusher) holdLease(ctx context.Context) (_ context.Context, held bool, done func(), _ error) {
	o := p.opts
	rctx, cancel := context.WithCancelCause(ctx)
	k := sppcrawl.KeepLeases(rctx, sppcrawl.LeaseKeeping{Leases: o.Leases, Holder: o.Holder, TTL: o.Lease,
		Lost: func(string) { cancel(sppcrawl.ErrLeaseLost) },
		Failed: func(_ string, err error) {
			o.Logger.Warn("push: delivery lease not renewed", "err", err)
		},
	})
	release := func() {
		if err := k.Close(context.WithoutCancel(ctx)); err != nil {
			o.Logger.Warn("push: delivery lease not released (it runs out by itself)", "err", err)
		}
		cancel(nil)
	}
	ok, err := k.Acquire(ctx, sppcrawl.DeliveryLease)
	if err != nil || !ok {
		release()
		return ctx, false, func() {}, err
	}
	return rctx, true, release, nil
}

// leasePoll is how long a process refused the delivery lease waits before
// asking again.
func (p *Pusher) leasePoll() time.Duration { return max(p.opts.Lease/2, 10*time.Millisecond) }
