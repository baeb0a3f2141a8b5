package push_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"sppcrawl/push"
)

// After a crawl, what is due is delivered unless the run was told not to
// (0) or was stopped; an archive without subscriptions is no error.
func TestPush_DeliverAfterRun(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	p := newPusher(db, push.Options{})
	if res, err := p.DeliverAfterRun(ctx, 10*time.Second); err != nil || res != (push.Result{}) {
		t.Fatalf("no subscriptions: %+v %v, want nothing done", res, err)
	}
	r := newReceiver(t)
	s, err := p.Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	if err != nil {
		t.Fatal(err)
	}
	r.setSecrets(s.Secret)
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	for _, c := range []struct {
		ctx context.Context
		d   time.Duration
	}{{ctx, 0}, {stopped, 10 * time.Second}} {
		if res, err := p.DeliverAfterRun(c.ctx, c.d); err != nil || res.Requests != 0 {
			t.Errorf("for %s (stopped: %v): %+v %v, want nothing sent", c.d, c.ctx.Err() != nil, res, err)
		}
	}
	res, err := p.DeliverAfterRun(ctx, 10*time.Second)
	if err != nil || res.Delivered != len(wantLog) || res.Pending != 0 {
		t.Fatalf("%+v %v, want every event delivered", res, err)
	}
	if got := kinds(r.events()); !slices.Equal(got, wantLog) {
		t.Errorf("got %v, want %v", got, wantLog)
	}
}
