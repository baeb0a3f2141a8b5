package push_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

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

// hubServer is serve's HTTP interface over db with a hub, and its pusher.
func hubServer(t *testing.T, db *store.DB, now func() time.Time) (*httptest.Server, *push.Pusher, *push.Hub) {
	var srv *publish.Server
	p := push.New(db, push.Options{Schedule: fast, Now: now, Feed: func(ctx context.Context, topic string) (string, []byte, error) {
		return srv.Feed(ctx, topic)
	}})
	hub := p.Hub(context.Background(), push.HubOptions{AllowHTTP: true, AllowPrivate: true,
		Topic: func(topic string) ([]string, string, error) { return srv.Topic(topic) }})
	srv = publish.NewServer(db, publish.Options{WebSub: hub})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
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
	ts, p, hub := hubServer(t, db, clock)
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
