package main

import (
	"context"
	"flag"
	"fmt"
	"sppcrawl"
	"strings"
	"time"

	"sppcrawl/publish"
	"sppcrawl/push"
	"sppcrawl/search"
)

// scheduleFlag is --retry-schedule: the waits before each retry of a failed
// delivery, comma-separated (5s,5m,30m,…).
type scheduleFlag []time.Duration

func (s *scheduleFlag) String() string {
	parts := make([]string, len(*s))
	for i, d := range *s {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

func (s *scheduleFlag) Set(v string) error {
	var out []time.Duration
	for _, p := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(p))
		if err != nil || d <= 0 {
			return fmt.Errorf("want positive durations separated by commas (5s,5m,30m)")
		}
		out = append(out, d)
	}
	if len(out) == 0 || len(out) > 50 {
		return fmt.Errorf("want 1 to 50 waits")
	}
	*s = out
	return nil
}

// pushFlags are the delivery flags of deliver, crawl and serve.
type pushFlags struct {
	schedule scheduleFlag
}

func (f *pushFlags) register(fs *flag.FlagSet) {
	f.schedule = scheduleFlag(push.DefaultSchedule)
	fs.Var(&f.schedule, "retry-schedule", "waits before each retry of a failed webhook delivery (after the last, the subscription is failing)")
}

// pusher is the deliverer of the archive's events, logging as the command
// does. WebSub subscribers get the feed rendered by feed, or (outside
// serve) by a publish server made for it over the archive and its index.
func (c *cli) pusher(archive sppcrawl.Archive, f *pushFlags, feed func(context.Context, string) (string, []byte, error)) *push.Pusher {
	if feed == nil {
		var ix *search.Index
		if i, err := openIndex(c, archive, true); err == nil {
			ix = i
			c.closers = append(c.closers, ix.Close)
		}
		feed = publish.NewServer(archive, publish.Options{Index: ix}).Feed
	}
	return push.New(archive, push.Options{Schedule: f.schedule, Logger: c.log.With("component", "push"), Feed: feed})
}

// deliverLine is the one line of a round of deliveries.
func deliverLine(r push.Result) string {
	s := fmt.Sprintf("deliver: %d events delivered in %d requests, %d failed", r.Delivered, r.Requests, r.Failures)
	if r.Elsewhere {
		s += "; another process holds the delivery lease and delivers"
	}
	if r.Pending > 0 {
		s += fmt.Sprintf("; %d subscriptions wait for a retry", r.Pending)
		if !r.Next.IsZero() {
			s += " (next " + localTime(r.Next) + ")"
		}
	}
	return s
}

// deliverAfterRun delivers, after a crawl, what is due to the
// subscriptions (push.Pusher.DeliverAfterRun) and logs what it did; it
// never fails the run.
func (c *cli) deliverAfterRun(ctx context.Context, archive sppcrawl.Archive, f *pushFlags, d time.Duration) {
	if d <= 0 {
		return // no pusher, no index opened for one
	}
	r, err := c.pusher(archive, f, nil).DeliverAfterRun(ctx, d)
	if err != nil {
		c.log.Warn("deliveries stopped", "err", err)
	}
	if r.Requests > 0 {
		c.log.Info(deliverLine(r))
	}
}
