package push

import (
	"context"
	"time"
)

// DeliverAfterRun delivers, after a crawl, what is due to the
// subscriptions for at most d (0: none, left to `sppcrawl deliver`), and
// says what it did; an archive without subscriptions costs one read. Its
// error is a warning, never the crawl's: a receiver's trouble is its
// subscription's state (stats, /healthz), and a stop by a signal leaves
// the deliveries to the next run.
func (p *Pusher) DeliverAfterRun(ctx context.Context, d time.Duration) (Result, error) {
	if d <= 0 || ctx.Err() != nil {
		return Result{}, nil
	}
	subs, err := p.db.Subscriptions(ctx)
	if err != nil || len(subs) == 0 {
		return Result{}, err
	}
	return p.DeliverFor(ctx, d)
}
