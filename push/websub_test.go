package push_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/push"
	"sppcrawl/store"
)

// subscriber is a WebSub subscriber: it confirms what it asked for (echoes
// hub.challenge) and keeps what the hub delivers, checking its signature.
type subscriber struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	checks []url.Values
	posts  []string
	links  []string
}

func newSubscriber(t *testing.T, secret string) *subscriber {
	s := &subscriber{t: t, secret: secret}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Method == http.MethodGet {
			s.checks = append(s.checks, r.URL.Query())
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(s.secret))
		m.Write(body)
		if got, want := r.Header.Get("X-Hub-Signature"), "sha256="+hex.EncodeToString(m.Sum(nil)); got != want {
			t.Errorf("X-Hub-Signature %q, want %q", got, want)
		}
		s.posts = append(s.posts, string(body))
		s.links = append(s.links, strings.Join(r.Header.Values("Link"), ", "))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// hubServer is serve's HTTP interface over db with a hub, and its pusher;
// the hub's callbacks may be anywhere when loose.
func hubServer(t *testing.T, db *store.DB, now func() time.Time, loose bool) (*httptest.Server, *push.Pusher, *push.Hub) {
	var srv *publish.Server
	p := push.New(db, push.Options{Schedule: fast, Now: now, Feed: func(ctx context.Context, topic string) (string, []byte, error) {
		return srv.Feed(ctx, topic)
	}})
	hub := p.Hub(push.HubOptions{AllowHTTP: loose, AllowPrivate: loose,
		Topic: func(topic, host string) (sppcrawl.Subscription, error) { return srv.Topic(topic, host) }})
	srv = publish.NewServer(db, publish.Options{WebSub: hub})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := hub.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return ts, p, hub
}

// Subscribe, verification of intent, delivery of the topic's content on
// each change of it (and not of another channel), lease expiry,
// unsubscribe; requests that make no sense are 400.
func TestWebSub(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	testarchive.Seed(t, db, 0, 6)
	now := time.Now()
	clock := func() time.Time { return now }
	ts, p, hub := hubServer(t, db, clock, true)
	sub := newSubscriber(t, "s3cret")
	topic := ts.URL + "/feed.atom?channel=jczdal"

	resp, err := http.Get(topic)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `href="`+ts.URL+`/websub" rel="hub"`) || !strings.Contains(resp.Header.Get("Link"), `rel="hub"`) {
		t.Errorf("the feed does not advertise its hub: Link %q\n%.600s", resp.Header.Get("Link"), body)
	}

	post := func(form url.Values) int {
		resp, err := http.PostForm(ts.URL+"/websub", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, bad := range []url.Values{
		{"hub.mode": {"subscribe"}, "hub.topic": {"https://elsewhere.example/feed"}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"watch"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {"ftp://x/"}},
		{"hub.mode": {"subscribe"}, "hub.topic": {ts.URL + "/feed.atom?channel=nope"}, "hub.callback": {sub.srv.URL}},
		// Another server's feed paths, or this server's with what a feed
		// does not take.
		{"hub.mode": {"subscribe"}, "hub.topic": {"http://evil.example/feed.atom?channel=jczdal"}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {strings.Replace(topic, "http://", "http://u:p@", 1)}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {topic + "&limit=5"}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {ts.URL + "/feed.atom?kind=case"}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {ts.URL + "/feed.json?q=x&withdrawn=only"}, "hub.callback": {sub.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.topic": {ts.URL + "/api/articles"}, "hub.callback": {sub.srv.URL}},
	} {
		if code := post(bad); code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", bad, code)
		}
	}
	if code := post(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL},
		"hub.secret": {"s3cret"}, "hub.lease_seconds": {"3600"}}); code != http.StatusAccepted {
		t.Fatalf("subscribe: %d", code)
	}
	hub.Wait()
	subs, _ := db.Subscriptions(ctx)
	if len(sub.checks) != 1 || sub.checks[0].Get("hub.mode") != "subscribe" || sub.checks[0].Get("hub.lease_seconds") != "3600" || len(subs) != 1 {
		t.Fatalf("verification %v, %d subscriptions", sub.checks, len(subs))
	}

	// A new article of the channel: its feed is delivered; of another: not.
	a := testarchive.Article(7) // jczdal
	a.Title = "新的指导性案例发布"
	if _, err := db.Upsert(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Upsert(ctx, testarchive.Article(9), nil); err != nil { // tt
		t.Fatal(err)
	}
	if _, err := p.DeliverFor(ctx, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if len(sub.posts) != 1 || !strings.Contains(sub.posts[0], "新的指导性案例发布") || !strings.Contains(sub.links[0], `rel="hub"`) {
		t.Fatalf("deliveries: %d, links %v", len(sub.posts), sub.links)
	}

	// The lease ends: the subscription goes, nothing more is sent.
	now = now.Add(2 * time.Hour)
	if _, err := db.Upsert(ctx, testarchive.Article(10), nil); err != nil { // jczdal
		t.Fatal(err)
	}
	p.DeliverFor(ctx, 5*time.Second)
	if subs, _ := db.Subscriptions(ctx); len(subs) != 0 || len(sub.posts) != 1 {
		t.Errorf("after the lease: %d subscriptions, %d deliveries", len(subs), len(sub.posts))
	}

	// Subscribe again, then unsubscribe: verified, and gone.
	post(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL}, "hub.secret": {"s3cret"}})
	hub.Wait()
	post(url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL}})
	hub.Wait()
	if subs, _ := db.Subscriptions(ctx); len(subs) != 0 || sub.checks[len(sub.checks)-1].Get("hub.mode") != "unsubscribe" {
		t.Errorf("after unsubscribe: %d subscriptions", len(subs))
	}
}

// A hub's refusals are for a remote client: what this hub calls back, in
// its words, never the server's flags, what its network resolves a host
// to, or its resolver's address.
func TestWebSub_RefusalsForAClient(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	var srv *publish.Server
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "internal.example" {
			return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, Server: "127.0.0.53:53", IsNotFound: true}
	}
	hub := push.New(db, push.Options{Lookup: lookup}).Hub(push.HubOptions{
		Topic: func(topic, host string) (sppcrawl.Subscription, error) { return srv.Topic(topic, host) }})
	t.Cleanup(func() { hub.Close(context.Background()) })
	srv = publish.NewServer(db, publish.Options{WebSub: hub})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	for _, c := range []struct{ callback, want string }{
		{"http://cb.example/x", "https URLs only"},
		{"https://internal.example/x", "not on the public internet"},
		{"https://[fec0::1]/x", "not on the public internet"},
		{"https://nowhere.example/x", "does not resolve"},
		{"https://2130706433/x", "four decimal numbers"},
	} {
		resp, err := http.PostForm(ts.URL+"/websub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {ts.URL + "/feed.atom"}, "hub.callback": {c.callback}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), c.want) ||
			strings.Contains(string(body), "--") || strings.Contains(string(body), "10.1.2.3") || strings.Contains(string(body), ":53") {
			t.Errorf("%s: %d %q, want 400 saying %q, and no flag or address of the server", c.callback, resp.StatusCode, body, c.want)
		}
	}
}

// A WebSub POST during shutdown never reaches the archive after the hub
// is closed: requests before Close are verified (or cancelled), those
// after are 503, and no verification starts once Close has returned (the
// archive is closed right after, as serve does). Run it with -race.
func TestHub_CloseDuringPosts(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	var closed atomic.Bool
	var late atomic.Int64
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if closed.Load() {
			late.Add(1)
		}
		io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	t.Cleanup(cb.Close)
	var srv *publish.Server
	hub := newPusher(db, push.Options{}).Hub(push.HubOptions{AllowHTTP: true, AllowPrivate: true, Workers: 2, Queue: 4,
		Topic: func(topic, host string) (sppcrawl.Subscription, error) { return srv.Topic(topic, host) }})
	srv = publish.NewServer(db, publish.Options{WebSub: hub})
	h := srv.Handler()
	post := func(i int) int {
		form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"http://example.test/feed.atom"},
			"hub.callback": {fmt.Sprintf("%s/%d", cb.URL, i)}}
		r := httptest.NewRequest(http.MethodPost, "http://example.test/websub", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	var accepted atomic.Int64
	stop, wait := postAll(post, &accepted)
	for accepted.Load() < 8 {
		runtime.Gosched()
	}
	if err := hub.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	closed.Store(true)
	subs, err := db.Subscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code := post(-1); code != http.StatusServiceUnavailable {
		t.Errorf("a POST after Close: %d, want 503", code)
	}
	close(stop)
	wait()
	if late.Load() != 0 {
		t.Errorf("%d verifications started after Close", late.Load())
	}
	if len(subs) == 0 || len(subs) > int(accepted.Load()) {
		t.Errorf("%d subscriptions stored of %d accepted", len(subs), accepted.Load())
	}
}

// postAll posts from 4 goroutines until stop is closed, counting the
// requests accepted; wait waits for them.
func postAll(post func(i int) int, accepted *atomic.Int64) (stop chan struct{}, wait func()) {
	var wg sync.WaitGroup
	stop = make(chan struct{})
	for g := range 4 {
		wg.Go(func() {
			for i := g * 100000; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if post(i) == http.StatusAccepted {
					accepted.Add(1)
				}
			}
		})
	}
	return stop, wg.Wait
}
