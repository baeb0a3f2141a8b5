package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"sppcrawl"
	"sppcrawl/search"
)

// DefaultSchedule is the wait before each retry of a failed delivery; when
// it is spent the subscription is failing (stopped, its cursor kept).
var DefaultSchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 10 * time.Hour, 24 * time.Hour}

// Options configure a Pusher.
type Options struct {
	Schedule []time.Duration // DefaultSchedule when nil
	Timeout  time.Duration   // of one request (15 s)
	Logger   *slog.Logger
	Now      func() time.Time
	Lookup   Lookup // DNS (tests); the system's when nil
	// Feed renders a WebSub topic's content (publish.Server.Feed).
	Feed func(ctx context.Context, topic string) (contentType string, body []byte, err error)
	// Leases hand out the delivery lease (lease.go): the archive's when it
	// has them (sppcrawl.LeaserOf, by default), so that of the processes
	// sharing it one delivers at a time.
	Leases sppcrawl.Leaser
	Lease  time.Duration // how long the lease lasts unrenewed (2 min)
	Holder string        // this process as the lease's holder (sppcrawl.NewHolder)
}

// Pusher delivers the archive's events to its subscriptions. Only the
// process that holds the archive for writing runs one.
type Pusher struct {
	db   Archive
	opts Options
	mu   sync.Mutex
	hc   map[bool]*http.Client // by allowPrivate
}

// New makes a Pusher over db.
func New(db Archive, opts Options) *Pusher {
	if opts.Schedule == nil {
		opts.Schedule = DefaultSchedule
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Lookup == nil {
		opts.Lookup = defaultLookup
	}
	if opts.Leases == nil {
		opts.Leases = sppcrawl.LeaserOf(db)
	}
	if opts.Lease <= 0 {
		opts.Lease = defaultDeliveryLease
	}
	if opts.Holder == "" {
		opts.Holder = sppcrawl.NewHolder()
	}
	return &Pusher{db: db, opts: opts, hc: map[bool]*http.Client{}}
}

func (p *Pusher) client(allowPrivate bool) *http.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hc[allowPrivate] == nil {
		p.hc[allowPrivate] = newClient(p.opts.Timeout, allowPrivate, p.opts.Lookup)
	}
	return p.hc[allowPrivate]
}

// Result is what a round of deliveries did.
type Result struct {
	Delivered int // events acknowledged
	Requests  int
	Failures  int       // requests that failed
	Pending   int       // subscriptions with events still to deliver
	Next      time.Time // when the next retry falls due (zero: none)
	// Elsewhere: another process holds the delivery lease and delivers.
	Elsewhere bool `json:",omitempty"`
}

func (r *Result) add(o Result) {
	r.Delivered += o.Delivered
	r.Requests += o.Requests
	r.Failures += o.Failures
	r.Pending += o.Pending
	if !o.Next.IsZero() && (r.Next.IsZero() || o.Next.Before(r.Next)) {
		r.Next = o.Next
	}
}

// DeliverDue delivers to every active subscription what it can now: each
// in its own goroutine, events in seq order, until its receiver fails
// (its retry is scheduled) or nothing is left.
func (p *Pusher) DeliverDue(ctx context.Context) (Result, error) {
	ctx, held, done, err := p.holdLease(ctx)
	if err != nil || !held {
		return Result{Elsewhere: err == nil}, err
	}
	defer done()
	subs, err := p.db.Subscriptions(ctx)
	if err != nil {
		return Result{}, err
	}
	var mu sync.Mutex
	var total Result
	var g errgroup.Group
	g.SetLimit(8)
	for _, s := range subs {
		if s.State != sppcrawl.SubActive {
			continue
		}
		g.Go(func() error {
			r, err := p.drain(ctx, s.ID)
			mu.Lock()
			total.add(r)
			mu.Unlock()
			if err != nil && ctx.Err() == nil {
				p.opts.Logger.Warn("push: delivery stopped", "subscription", s.ID, "err", err)
			}
			return nil
		})
	}
	g.Wait()
	return total, context.Cause(ctx) // ErrLeaseLost: the round was another process's
}

// drain delivers one subscription's due events until it is up to date,
// fails, or ctx ends.
func (p *Pusher) drain(ctx context.Context, id string) (Result, error) {
	var r Result
	for ctx.Err() == nil {
		s, err := p.db.Subscription(ctx, id)
		if err != nil || s.State != sppcrawl.SubActive {
			return r, err
		}
		now := p.opts.Now()
		if s.Kind == sppcrawl.KindWebSub && !s.LeaseUntil.IsZero() && now.After(s.LeaseUntil) {
			p.opts.Logger.Info("push: WebSub lease expired", "subscription", s.ID, "callback", s.URL, "topic", s.Topic)
			return r, p.db.DeleteSubscription(ctx, s.ID)
		}
		if s.NextAttempt.After(now) {
			r.Pending++
			r.Next = s.NextAttempt
			return r, nil
		}
		evs, err := p.due(ctx, &s)
		if err != nil || len(evs) == 0 {
			return r, err
		}
		ok, err := p.send(ctx, &s, evs)
		r.Requests++
		if err != nil {
			return r, err
		}
		if !ok {
			r.Failures++
			continue // the loop sees the retry scheduled, or the subscription stopped
		}
		r.Delivered += len(evs)
	}
	return r, ctx.Err()
}

// eventsWindow is how many events are read at a time past a cursor.
const eventsWindow = 512

// dueEvent is an event to send, with its article when the filter read it
// already (else the request reads it).
type dueEvent struct {
	sppcrawl.Event
	article *sppcrawl.Article
}

// due returns the next events to send (a batch at most): those the filter
// passes. Events it skips move the cursor at once. A retry sends what the
// failed or interrupted attempt sent, no more (its batch is fixed by
// s.Pending, recorded before the request is made).
func (p *Pusher) due(ctx context.Context, s *sppcrawl.Subscription) ([]dueEvent, error) {
	f, err := newFilter(*s)
	if err != nil {
		return nil, err
	}
	batch := max(s.Batch, 1)
	// Where every event passes, a batch is all that is needed of the log.
	window := eventsWindow
	if f.all() {
		window = batch
	}
	for {
		evs, err := p.db.Events(ctx, s.Cursor, window)
		if err != nil || len(evs) == 0 {
			return nil, err
		}
		var out []dueEvent
		skipTo := s.Cursor
		for _, e := range evs {
			if s.Pending > s.Cursor && e.Seq > s.Pending {
				break
			}
			a, pass, err := f.pass(ctx, p.db, e)
			if err != nil {
				return nil, err
			}
			if pass {
				out = append(out, dueEvent{e, a})
				if len(out) == batch {
					break
				}
			} else if len(out) == 0 {
				skipTo = e.Seq
			}
		}
		if skipTo > s.Cursor {
			skipped := skipTo
			ns, err := p.db.UpdateSubscription(ctx, s.ID, func(cur *sppcrawl.Subscription) error {
				cur.Cursor = max(cur.Cursor, skipped)
				return nil
			})
			if err != nil {
				return nil, err
			}
			*s = ns
		}
		if len(out) > 0 || len(evs) < window {
			return out, nil
		}
	}
}

// filter is a subscription's choice of events.
type filter struct {
	types    []sppcrawl.EventType
	channels []string
	sites    search.Sites
	query    *search.Query
}

func newFilter(s sppcrawl.Subscription) (filter, error) {
	f := filter{types: s.Events, channels: s.Channels}
	var err error
	if f.sites, err = search.ParseSites(s.Sites...); err != nil {
		return f, fmt.Errorf("subscription %s: --site: %w", s.ID, err)
	}
	if s.Query != "" {
		q, err := search.ParseQuery(s.Query)
		if err != nil {
			return f, fmt.Errorf("subscription %s: --query: %w", s.ID, err)
		}
		f.query = &q
	}
	return f, nil
}

// all says whether every event passes.
func (f filter) all() bool {
	return len(f.types) == 0 && len(f.channels) == 0 && len(f.sites) == 0 && f.query == nil
}

// pass says whether the event goes to the subscription, with the article
// when it had to read it.
func (f filter) pass(ctx context.Context, db Archive, e sppcrawl.Event) (*sppcrawl.Article, bool, error) {
	if len(f.types) > 0 && !slices.Contains(f.types, e.Type) {
		return nil, false, nil
	}
	if len(f.channels) == 0 && len(f.sites) == 0 && f.query == nil {
		return nil, true, nil
	}
	a, err := eventArticle(ctx, db, e)
	if errors.Is(err, sppcrawl.ErrNotFound) {
		return nil, false, nil // a version the archive no longer holds (quarantined)
	} else if err != nil {
		return nil, false, err
	}
	if len(f.channels) > 0 && !slices.Contains(f.channels, a.ChannelPath) || !f.sites.Keeps(a) {
		return nil, false, nil
	}
	return a, f.query == nil || f.query.Matches(a), nil
}

// send makes one request of the events and records its outcome: ok when
// the receiver acknowledged them (2xx).
func (p *Pusher) send(ctx context.Context, s *sppcrawl.Subscription, evs []dueEvent) (bool, error) {
	if err := p.fixBatch(ctx, s, evs); err != nil {
		return false, err
	}
	now := p.opts.Now()
	req, err := p.request(ctx, s, evs, now)
	if err != nil {
		return false, err
	}
	// Checked again at every delivery: the URL's host may resolve
	// elsewhere now (the dialer checks the address it connects to too).
	if err := CheckURL(ctx, s.URL, s.AllowHTTP, s.AllowPrivate, p.opts.Lookup); err != nil {
		return p.outcome(ctx, s, evs, now, 0, 0, err, 0)
	}
	start := time.Now()
	resp, err := p.client(s.AllowPrivate).Do(req)
	if err != nil && ctx.Err() != nil {
		return false, ctx.Err() // stopped, not failed: sent again next time
	}
	status, retryAfter := 0, time.Duration(0)
	if err == nil {
		status = resp.StatusCode
		retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
		discard(resp)
	}
	return p.outcome(ctx, s, evs, now, status, time.Since(start), err, retryAfter)
}

// fixBatch records, before a request of several events is made, the last
// seq it carries: a process killed before the answer leaves the request
// as it was, and the next one sends the same events under the same
// webhook-id, whatever came since (that goes in the next request).
func (p *Pusher) fixBatch(ctx context.Context, s *sppcrawl.Subscription, evs []dueEvent) error {
	last := evs[len(evs)-1].Seq
	if s.Batch < 2 || s.Pending == last {
		return nil
	}
	ns, err := p.db.UpdateSubscription(ctx, s.ID, func(cur *sppcrawl.Subscription) error {
		cur.Pending = last
		return nil
	})
	if err != nil {
		return fmt.Errorf("deliver to %s: %w", s.ID, err)
	}
	*s = ns
	return nil
}

// outcome records a delivery and moves the subscription on: the cursor on
// 2xx; a pause on 410; else the next retry of the schedule (or a
// Retry-After of 429 and 503), failing once the schedule is spent.
func (p *Pusher) outcome(ctx context.Context, s *sppcrawl.Subscription, evs []dueEvent, now time.Time, status int, took time.Duration, err error, retryAfter time.Duration) (bool, error) {
	d := sppcrawl.Delivery{At: now, First: evs[0].Seq, Last: evs[len(evs)-1].Seq, Events: len(evs), Status: status, Duration: took}
	ok := err == nil && status >= 200 && status < 300
	switch {
	case err != nil:
		d.Error = err.Error()
	case !ok:
		d.Error = fmt.Sprintf("HTTP %d", status)
		if status >= 300 && status < 400 {
			d.Error += " (redirects are not followed)"
		}
	}
	schedule := p.opts.Schedule
	ns, rerr := p.db.RecordDelivery(ctx, s.ID, d, func(cur *sppcrawl.Subscription) {
		if cur.ByStatus == nil {
			cur.ByStatus = map[string]int{}
		}
		key := strconv.Itoa(status)
		if status == 0 {
			key = "error"
		}
		cur.ByStatus[key]++
		switch {
		case ok:
			cur.Cursor = max(cur.Cursor, d.Last)
			cur.Delivered += len(evs)
			cur.Attempts, cur.Pending, cur.NextAttempt, cur.LastError = 0, 0, time.Time{}, ""
		case status == http.StatusGone:
			cur.State, cur.Paused, cur.LastError = sppcrawl.SubPaused, "the receiver answered 410 Gone", d.Error
		default:
			cur.Attempts++
			cur.Pending, cur.LastError = d.Last, d.Error
			if cur.Attempts > len(schedule) {
				cur.State, cur.NextAttempt = sppcrawl.SubFailing, time.Time{}
				return
			}
			wait := jitter(schedule[cur.Attempts-1])
			if retryAfter > 0 && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
				wait = retryAfter
			}
			cur.NextAttempt = now.Add(wait)
		}
	})
	if rerr != nil {
		return false, rerr
	}
	if !ok {
		p.opts.Logger.Warn("push: delivery failed", "subscription", s.ID, "url", s.URL, "seq", d.First, "status", status,
			"err", d.Error, "attempt", ns.Attempts, "state", ns.State, "next", ns.NextAttempt)
	}
	*s = ns
	return ok, nil
}

// jitter spreads a wait by up to a tenth either way, so that receivers
// failing together are not retried together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
}

// parseRetryAfter reads Retry-After: seconds or an HTTP date; at most a
// day.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), 24*time.Hour)
}

// discard reads a little of an answer's body (so that its connection can
// be used again) and closes it.
func discard(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// Run delivers until ctx ends: at once, then whenever the archive commits
// (changes, from the archive's Commits: an event wakes it, no polling) and when
// the next retry falls due.
func (p *Pusher) Run(ctx context.Context, changes <-chan struct{}) {
	for {
		r, err := p.DeliverDue(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.opts.Logger.Warn("push: deliveries failed", "err", err)
		}
		wait := time.Duration(1<<63 - 1)
		if r.Elsewhere {
			wait = p.leasePoll()
		} else if !r.Next.IsZero() {
			wait = max(r.Next.Sub(p.opts.Now()), 10*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-changes:
		case <-t.C:
		}
		t.Stop()
	}
}

// DeliverFor delivers until nothing is pending or d has passed, waiting
// for the retries that fall due within it (a cron crawl's end, or
// `sppcrawl deliver`). What is still pending then waits for the next run.
func (p *Pusher) DeliverFor(ctx context.Context, d time.Duration) (Result, error) {
	deadline := p.opts.Now().Add(d)
	dctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var total Result
	for {
		r, err := p.DeliverDue(dctx)
		total.Delivered += r.Delivered
		total.Requests += r.Requests
		total.Failures += r.Failures
		total.Pending, total.Next, total.Elsewhere = r.Pending, r.Next, r.Elsewhere
		switch {
		case ctx.Err() != nil:
			return total, ctx.Err()
		case dctx.Err() != nil:
			return total, nil
		case err != nil:
			return total, err
		case r.Elsewhere, r.Pending == 0 || r.Next.IsZero() || r.Next.After(deadline):
			return total, nil
		}
		t := time.NewTimer(max(r.Next.Sub(p.opts.Now()), 10*time.Millisecond))
		select {
		case <-dctx.Done():
			t.Stop()
			if ctx.Err() != nil {
				return total, ctx.Err()
			}
			return total, nil
		case <-t.C:
		}
	}
}
