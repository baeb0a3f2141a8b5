package push_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/push"
	"sppcrawl/store"
)

// fast is a retry schedule for tests: the default's shape in milliseconds.
var fast = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}

// history makes an archive whose event log holds, in order: articles 0–5
// created, article 1 corrected, article 2 withdrawn, then restored.
func history(t *testing.T) *store.DB {
	t.Helper()
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	for i := range 6 {
		if _, err := db.Upsert(ctx, testarchive.Article(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := db.Upsert(ctx, testarchive.Corrections()[0], nil); err != nil || res.Outcome != sppcrawl.Updated {
		t.Fatal(res, err)
	}
	gone := testarchive.Article(2).URL
	for i := range 2 {
		if _, err := db.RecordGone(ctx, gone, time.Now().Add(time.Duration(i)*time.Hour), "HTTP 404"); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := db.RecordChecked(ctx, gone); err != nil || res.Outcome != sppcrawl.Restored {
		t.Fatal(res, err)
	}
	return db
}

// wantLog is history's events: type and article, in seq order.
var wantLog = []string{"article.created spp-700000", "article.created spp-700001", "article.created spp-700002",
	"article.created spp-700003", "article.created spp-700004", "article.created spp-700005",
	"article.updated spp-700001", "article.withdrawn spp-700002", "article.restored spp-700002"}

func kinds(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Type+" "+r.ID)
	}
	return out
}

func newPusher(db *store.DB, opts push.Options) *push.Pusher {
	if opts.Schedule == nil {
		opts.Schedule = fast
	}
	opts.Timeout = 5 * time.Second
	return push.New(db, opts)
}

func since0() *uint64 { z := uint64(0); return &z }

// Every event reaches the receiver once, in seq order, signed, with the
// whole article; a filter sends exactly its events, and moves its cursor
// past the others.
func TestPush_OrderAndFilters(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	p := newPusher(db, push.Options{})
	all, some, one := newReceiver(t), newReceiver(t), newReceiver(t)
	add := func(r *receiver, o push.AddOptions) sppcrawl.Subscription {
		o.URL, o.AllowHTTP, o.AllowPrivate, o.Since = r.srv.URL, true, true, since0()
		s, err := p.Add(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		r.setSecrets(s.Secret)
		return s
	}
	add(all, push.AddOptions{})
	add(some, push.AddOptions{Events: []sppcrawl.EventType{sppcrawl.EventUpdated, sppcrawl.EventWithdrawn}})
	sOne := add(one, push.AddOptions{Channels: []string{"/spp/jczdal/"}, Query: "第4篇 OR 修订"})
	res, err := p.DeliverFor(ctx, 10*time.Second)
	if err != nil || res.Pending != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if got := kinds(all.events()); !slices.Equal(got, wantLog) {
		t.Errorf("all events:\n got %v\nwant %v", got, wantLog)
	}
	if got, want := kinds(some.events()), []string{"article.updated spp-700001", "article.withdrawn spp-700002"}; !slices.Equal(got, want) {
		t.Errorf("updated and withdrawn: got %v, want %v", got, want)
	}
	// jczdal holds articles 1 and 4 (every third from 1); 4 by its text, 1
	// once corrected (修订 in its new title).
	if got, want := kinds(one.events()), []string{"article.created spp-700004", "article.updated spp-700001"}; !slices.Equal(got, want) {
		t.Errorf("channel and query: got %v, want %v", got, want)
	}
	seqs := func(rs []received) []uint64 {
		var out []uint64
		for _, r := range rs {
			out = append(out, r.Seq)
		}
		return out
	}
	if s := seqs(all.events()); !slices.IsSorted(s) {
		t.Errorf("seqs out of order: %v", s)
	}
	last, _ := db.LastSeq(ctx)
	got, _ := db.Subscription(ctx, sOne.ID)
	if got.Cursor != last || got.Delivered != 2 {
		t.Errorf("filtered subscription: cursor %d (last seq %d), %d delivered", got.Cursor, last, got.Delivered)
	}
	// Nothing new: nothing sent.
	before := all.reqs
	if _, err := p.DeliverFor(ctx, time.Second); err != nil || all.reqs != before {
		t.Errorf("a round with nothing new sent %d requests (%v)", all.reqs-before, err)
	}
}

// Failures are retried on the schedule with the same webhook-id, a
// Retry-After of 429 and 503 is honoured, 410 pauses at once, and a spent
// schedule makes the subscription failing until resumed, which delivers
// from the first event not acknowledged.
func TestPush_Retries(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	p := newPusher(db, push.Options{})
	r := newReceiver(t)
	r.fail = func(n int) (int, http.Header) {
		switch n {
		case 1:
			return 500, nil
		case 2:
			return 429, http.Header{"Retry-After": {"1"}}
		case 3:
			return 302, http.Header{"Location": {"/elsewhere"}}
		}
		return 0, nil
	}
	s, err := p.Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	if err != nil {
		t.Fatal(err)
	}
	r.setSecrets(s.Secret)
	start := time.Now()
	if _, err := p.DeliverFor(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := kinds(r.events()); !slices.Equal(got, wantLog) {
		t.Errorf("after retries: got %v", got)
	}
	if time.Since(start) < time.Second {
		t.Error("Retry-After: 1 was not waited for")
	}
	log, err := db.Deliveries(ctx, s.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(log)
	var statuses []int
	for _, d := range log[:4] {
		statuses = append(statuses, d.Status)
		if d.First != log[0].First {
			t.Errorf("a retry sent seq %d, the first attempt %d", d.First, log[0].First)
		}
	}
	if !slices.Equal(statuses, []int{500, 429, 302, 204}) {
		t.Errorf("delivery log statuses %v", statuses)
	}

	// 410 pauses at once.
	gone := newReceiver(t)
	gone.fail = func(int) (int, http.Header) { return 410, nil }
	g, _ := p.Add(ctx, push.AddOptions{URL: gone.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	p.DeliverFor(ctx, 5*time.Second)
	if g, _ = db.Subscription(ctx, g.ID); g.State != sppcrawl.SubPaused || gone.reqs != 1 {
		t.Errorf("after a 410: %s, %d requests", g.State, gone.reqs)
	}

	// A receiver down for the whole schedule: failing, nothing lost.
	var down atomic.Bool
	down.Store(true)
	later := newReceiver(t)
	later.fail = func(int) (int, http.Header) {
		if down.Load() {
			return 503, nil
		}
		return 0, nil
	}
	f, _ := p.Add(ctx, push.AddOptions{URL: later.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	later.setSecrets(f.Secret)
	p.DeliverFor(ctx, 5*time.Second)
	if f, _ = db.Subscription(ctx, f.ID); f.State != sppcrawl.SubFailing || f.Cursor != 0 || later.reqs != len(fast)+1 {
		t.Fatalf("after the schedule: %s, cursor %d, %d requests", f.State, f.Cursor, later.reqs)
	}
	down.Store(false)
	if _, err := p.Resume(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	p.DeliverFor(ctx, 5*time.Second)
	if got := kinds(later.events()); !slices.Equal(got, wantLog) {
		t.Errorf("resumed: got %v", got)
	}
}

// After a rotation both secrets sign, for a day; then the new one alone.
func TestPush_RotateSecret(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	now := time.Now()
	p := newPusher(db, push.Options{Now: func() time.Time { return now }})
	r := newReceiver(t)
	s, _ := p.Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Batch: 100})
	r.setSecrets(s.Secret)
	rot, err := p.RotateSecret(ctx, s.ID)
	if err != nil || rot.Secret == s.Secret || rot.OldSecret != s.Secret {
		t.Fatalf("rotate: %+v %v", rot, err)
	}
	if _, err := p.Replay(ctx, s.ID, 6); err != nil {
		t.Fatal(err)
	}
	r.setSecrets(rot.Secret) // the receiver switched already: the new signature verifies
	p.DeliverFor(ctx, 5*time.Second)
	got := r.events()
	if len(got) != 3 || got[0].Sigs != 2 {
		t.Fatalf("within the day: %+v (want 3 events, two signatures)", got)
	}
	r.setSecrets(s.Secret) // and one that did not: the old one too
	p.Replay(ctx, s.ID, 8)
	p.DeliverFor(ctx, 5*time.Second)
	now = now.Add(25 * time.Hour)
	r.setSecrets(rot.Secret)
	p.Replay(ctx, s.ID, 8)
	p.DeliverFor(ctx, 5*time.Second)
	if got := r.events(); len(got) != 5 || got[4].Sigs != 1 {
		t.Errorf("after the day: %+v (want one signature)", got[len(got)-1])
	}
}

// A batch subscription gets up to N events a request, each with its own id.
func TestPush_Batch(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	p := newPusher(db, push.Options{})
	r := newReceiver(t)
	s, _ := p.Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Batch: 4, Since: since0()})
	r.setSecrets(s.Secret)
	p.DeliverFor(ctx, 5*time.Second)
	if got := kinds(r.events()); !slices.Equal(got, wantLog) || r.reqs != 3 {
		t.Errorf("batches of 4: %d requests, %v", r.reqs, got)
	}
	if ev := r.events(); ev[0].MsgID == ev[1].MsgID || !strings.HasPrefix(ev[0].MsgID, "msg_"+s.ID) {
		t.Errorf("event ids %q %q", ev[0].MsgID, ev[1].MsgID)
	}
}

// Receivers on private networks are refused, at subscription and at each
// delivery: a DNS answer that changes to 127.0.0.1 sends nothing there.
func TestPush_SSRF(t *testing.T) {
	db := history(t)
	ctx := context.Background()
	var answer atomic.Value
	answer.Store(netip.MustParseAddr("93.184.216.34"))
	lookup := func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{answer.Load().(netip.Addr)}, nil
	}
	p := newPusher(db, push.Options{Lookup: lookup})
	for _, tc := range []struct {
		o    push.AddOptions
		want string
	}{
		{push.AddOptions{URL: "http://hooks.example.org/x"}, "only https"},
		{push.AddOptions{URL: "https://127.0.0.1/x"}, "127.0.0.1"},
		{push.AddOptions{URL: "https://[::1]/x"}, "::1"},
		{push.AddOptions{URL: "https://10.1.2.3/x"}, "10.1.2.3"},
		{push.AddOptions{URL: "https://169.254.169.254/latest/meta-data"}, "169.254.169.254"},
		{push.AddOptions{URL: "https://0.0.0.0/"}, "0.0.0.0"},
		{push.AddOptions{URL: "https://user:pw@hooks.example.org/"}, "credentials"},
		{push.AddOptions{URL: "hooks.example.org"}, "only https"},
	} {
		if _, err := p.Add(ctx, tc.o); !errors.Is(err, push.ErrRefused) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want refused naming %q", tc.o.URL, err, tc.want)
		}
	}
	r := newReceiver(t)
	s, err := p.Add(ctx, push.AddOptions{URL: strings.Replace(r.srv.URL, "127.0.0.1", "hooks.example.org", 1), AllowHTTP: true, Since: since0()})
	if err != nil {
		t.Fatalf("a public receiver: %v", err)
	}
	answer.Store(netip.MustParseAddr("127.0.0.1")) // the name now points home
	p.DeliverFor(ctx, time.Second)
	s, _ = db.Subscription(ctx, s.ID)
	if r.reqs != 0 || !strings.Contains(s.LastError, "127.0.0.1") {
		t.Errorf("after the DNS change: %d requests reached the loopback receiver; last error %q", r.reqs, s.LastError)
	}
}

// A running pusher is woken by each commit of the archive (no polling):
// every article stored while it runs reaches the receiver.
func TestPush_RunFollowsCommits(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	p := newPusher(db, push.Options{})
	r := newReceiver(t)
	s, err := p.Add(ctx, push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	r.setSecrets(s.Secret)
	changes, stop := db.Commits()
	defer stop()
	done := make(chan struct{})
	go func() { p.Run(ctx, changes); close(done) }()
	var lags []time.Duration
	for i := range 5 {
		start := time.Now()
		if _, err := db.Upsert(ctx, testarchive.Article(i), nil); err != nil {
			t.Fatal(err)
		}
		for len(r.events()) < i+1 {
			select {
			case <-r.arrived:
			case <-time.After(30 * time.Second):
				t.Fatalf("article %d not delivered after its commit", i)
			}
		}
		lags = append(lags, time.Since(start))
	}
	cancel()
	<-done
	t.Logf("commit to delivery: %v", lags)
}
