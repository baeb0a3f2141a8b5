package push

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"sppcrawl"
)

// Lease bounds of a WebSub subscription: 10 days at most, and by default.
const (
	maxLease     = 10 * 24 * time.Hour
	defaultLease = maxLease
)

// HubOptions configure the WebSub hub.
type HubOptions struct {
	// Topic checks that a topic is one of this server's feeds, as a client
	// that reached it at host names it, and says which articles change it:
	// a subscription's filter (its Channels, Sites and Query).
	Topic func(topic, host string) (sppcrawl.Subscription, error)
	// AllowHTTP and AllowPrivate loosen the callback checks (tests, an
	// intranet).
	AllowHTTP, AllowPrivate bool
	Logger                  *slog.Logger
	// Workers verify intents at once (4); Queue requests wait for one
	// (64), beyond which a request is answered 503.
	Workers, Queue int
}

// ErrHubClosed: the hub was closed (the server is shutting down).
var ErrHubClosed = errors.New("hub closed")

// Hub is a WebSub hub (W3C) for the server's feeds: it takes subscription
// requests, verifies the subscriber's intent with a bounded pool of
// workers, and the Pusher delivers each change of a topic to its
// subscribers. Close stops it; nothing it started writes after.
type Hub struct {
	p      *Pusher
	opts   HubOptions
	cancel context.CancelFunc // of the verifications in flight
	done   chan struct{}      // closed when every worker has returned

	mu      sync.Mutex
	idle    *sync.Cond // signalled when pending drops to 0
	closed  bool
	queue   chan hubRequest // closed by Close, under mu
	pending int             // accepted and not verified yet
}

// Hub makes the WebSub hub of the pusher and starts its workers; Close
// stops them.
func (p *Pusher) Hub(opts HubOptions) *Hub {
	if opts.Logger == nil {
		opts.Logger = p.opts.Logger
	}
	opts.Workers, opts.Queue = cmp.Or(opts.Workers, 4), cmp.Or(opts.Queue, 64)
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{p: p, opts: opts, cancel: cancel, done: make(chan struct{}), queue: make(chan hubRequest, opts.Queue)}
	h.idle = sync.NewCond(&h.mu)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Go(func() {
			for q := range h.queue {
				h.verify(ctx, q)
				h.mu.Lock()
				if h.pending--; h.pending == 0 {
					h.idle.Broadcast()
				}
				h.mu.Unlock()
			}
		})
	}
	go func() { wg.Wait(); close(h.done) }()
	return h
}

// Close stops taking requests and waits for the verifications accepted
// to finish; when ctx ends first, they are cancelled (no subscription is
// stored after) and waited for. Nothing the hub started runs after Close.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.queue)
	}
	h.mu.Unlock()
	var err error
	select {
	case <-h.done:
	case <-ctx.Done():
		err = fmt.Errorf("close the WebSub hub: %w (verifications cancelled)", ctx.Err())
	}
	h.cancel()
	<-h.done
	return err
}

// Wait waits until every request accepted so far is verified (or given
// up): tests, which then read what it stored.
func (h *Hub) Wait() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.pending > 0 {
		h.idle.Wait()
	}
}

// enqueue hands a checked request to the workers, unless the hub is
// closed or its queue full.
func (h *Hub) enqueue(q hubRequest) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	select {
	case h.queue <- q:
		h.pending++
		return nil
	default:
		return errHubBusy
	}
}

// errHubBusy: every worker is busy and the queue is full.
var errHubBusy = errors.New("hub busy")

// ServeHTTP answers POST /websub: hub.mode subscribe or unsubscribe,
// hub.topic, hub.callback, hub.lease_seconds, hub.secret. A request that
// makes sense is 202 Accepted; the intent is verified afterwards. The
// answers are for a remote client: they name no flag of the server, and
// no address of its network.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "hub: a form (application/x-www-form-urlencoded) of at most 16 KB", http.StatusBadRequest)
		return
	}
	req, err := h.parse(r)
	if err != nil {
		http.Error(w, "hub: "+err.Error(), http.StatusBadRequest)
		return
	}
	switch err := h.enqueue(req); {
	case errors.Is(err, ErrHubClosed):
		w.Header().Set("Retry-After", "60")
		http.Error(w, "hub: shutting down: try again in a minute", http.StatusServiceUnavailable)
	case err != nil:
		w.Header().Set("Retry-After", "10")
		http.Error(w, "hub: busy verifying other subscribers: try again in a few seconds", http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}

// hubRequest is a checked subscription request.
type hubRequest struct {
	mode, topic, callback, secret string
	lease                         time.Duration
	filter                        sppcrawl.Subscription // Channels, Sites, Query
}

func (h *Hub) parse(r *http.Request) (hubRequest, error) {
	q := hubRequest{mode: r.PostForm.Get("hub.mode"), topic: r.PostForm.Get("hub.topic"),
		callback: r.PostForm.Get("hub.callback"), secret: r.PostForm.Get("hub.secret"), lease: defaultLease}
	if q.mode != "subscribe" && q.mode != "unsubscribe" {
		return q, fmt.Errorf("hub.mode %q: want subscribe or unsubscribe", sppcrawl.Clip(q.mode, 80))
	}
	var err error
	if q.filter, err = h.opts.Topic(q.topic, r.Host); err != nil {
		return q, fmt.Errorf("hub.topic %q: %v", sppcrawl.Clip(q.topic, 80), err)
	}
	if err := CheckURL(r.Context(), q.callback, h.opts.AllowHTTP, h.opts.AllowPrivate, h.p.opts.Lookup); err != nil {
		return q, fmt.Errorf("hub.callback %q: %s", sppcrawl.Clip(q.callback, 80), callbackRefusal(err))
	}
	if len(q.secret) > 199 {
		return q, fmt.Errorf("hub.secret: at most 199 bytes")
	}
	if s := r.PostForm.Get("hub.lease_seconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("hub.lease_seconds %q: want a number of seconds", sppcrawl.Clip(s, 80))
		}
		q.lease = min(time.Duration(n)*time.Second, maxLease)
	}
	return q, nil
}

// callbackRefusal says to a remote client why its callback is refused:
// what this hub calls back, never what the server's network resolves the
// host to.
func callbackRefusal(err error) string {
	var re *RefusedError
	if !errors.As(err, &re) {
		return "refused"
	}
	switch re.Loosen {
	case LoosenHTTP:
		return "this hub calls back https URLs only"
	case LoosenPrivate:
		return "its host is not on the public internet: this hub calls back public addresses only"
	}
	return re.Reason
}

// websubID is a subscriber's id: one per callback and topic, so that a
// renewal updates its lease and keeps its place.
func websubID(callback, topic string) string {
	sum := sha256.Sum256([]byte(callback + "\x00" + topic))
	return "ws_" + hex.EncodeToString(sum[:8])
}

// verify asks the callback to confirm the request (it must echo
// hub.challenge), then stores or removes the subscription.
func (h *Hub) verify(ctx context.Context, q hubRequest) {
	ctx, cancel := context.WithTimeout(ctx, h.p.opts.Timeout)
	defer cancel()
	log := h.opts.Logger.With("callback", q.callback, "topic", q.topic, "mode", q.mode)
	challenge := rand.Text()
	u, _ := url.Parse(q.callback)
	v := u.Query()
	v.Set("hub.mode", q.mode)
	v.Set("hub.topic", q.topic)
	v.Set("hub.challenge", challenge)
	if q.mode == "subscribe" {
		v.Set("hub.lease_seconds", strconv.Itoa(int(q.lease.Seconds())))
	}
	u.RawQuery = v.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		log.Warn("websub: verification not sent", "err", err)
		return
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := h.p.client(h.opts.AllowPrivate).Do(req)
	if err != nil {
		log.Warn("websub: verification failed", "err", err)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 || strings.TrimSpace(string(body)) != challenge {
		log.Warn("websub: the subscriber did not confirm", "status", resp.StatusCode)
		return
	}
	if err := h.apply(ctx, q); err != nil {
		log.Warn("websub: not stored", "err", err)
		return
	}
	log.Info("websub: verified")
}

// apply stores a verified subscription (renewed if it exists: its lease
// and secret, its cursor kept) or removes an unsubscribed one.
func (h *Hub) apply(ctx context.Context, q hubRequest) error {
	id := websubID(q.callback, q.topic)
	db := h.p.db
	if q.mode == "unsubscribe" {
		if err := db.DeleteSubscription(ctx, id); err != nil && !errors.Is(err, sppcrawl.ErrNotFound) {
			return err
		}
		return nil
	}
	until := h.p.opts.Now().Add(q.lease)
	_, err := db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		s.LeaseUntil, s.Secret, s.State = until, q.secret, sppcrawl.SubActive
		return nil
	})
	if !errors.Is(err, sppcrawl.ErrNotFound) {
		return err
	}
	seq, err := db.LastSeq(ctx)
	if err != nil {
		return err
	}
	return db.PutSubscription(ctx, sppcrawl.Subscription{ID: id, Kind: sppcrawl.KindWebSub, URL: q.callback, Topic: q.topic,
		Secret: q.secret, Channels: q.filter.Channels, Sites: q.filter.Sites, Query: q.filter.Query, LeaseUntil: until, AllowHTTP: h.opts.AllowHTTP,
		AllowPrivate: h.opts.AllowPrivate, State: sppcrawl.SubActive, Cursor: seq, Created: h.p.opts.Now(),
		// One delivery of the feed carries any number of changes.
		Batch: eventsWindow})
}
