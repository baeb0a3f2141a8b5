package push

import (
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
	"sppcrawl/store"
)

// Lease bounds of a WebSub subscription: 10 days at most, and by default.
const (
	maxLease     = 10 * 24 * time.Hour
	defaultLease = maxLease
)

// HubOptions configure the WebSub hub.
type HubOptions struct {
	// Topic checks that a topic is one of this server's feeds and says
	// which articles change it (channel paths, a search query).
	Topic func(topic string) (channels []string, query string, err error)
	// AllowHTTP and AllowPrivate loosen the callback checks (tests, an
	// intranet).
	AllowHTTP, AllowPrivate bool
	Logger                  *slog.Logger
}

// Hub is a WebSub hub (W3C) for the server's feeds: it takes subscription
// requests, verifies the subscriber's intent, and the Pusher delivers each
// change of a topic to its subscribers.
type Hub struct {
	p    *Pusher
	opts HubOptions
	wg   sync.WaitGroup
	stop context.Context
}

// Hub makes the WebSub hub of the pusher; its verifications run until
// ctx ends.
func (p *Pusher) Hub(ctx context.Context, opts HubOptions) *Hub {
	if opts.Logger == nil {
		opts.Logger = p.opts.Logger
	}
	return &Hub{p: p, opts: opts, stop: ctx}
}

// Wait waits for the verifications in flight.
func (h *Hub) Wait() { h.wg.Wait() }

// ServeHTTP answers POST /websub: hub.mode subscribe or unsubscribe,
// hub.topic, hub.callback, hub.lease_seconds, hub.secret. A request that
// makes sense is 202 Accepted; the intent is verified afterwards.
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
	w.WriteHeader(http.StatusAccepted)
	h.wg.Go(func() { h.verify(req) })
}

// hubRequest is a checked subscription request.
type hubRequest struct {
	mode, topic, callback, secret string
	lease                         time.Duration
	channels                      []string
	query                         string
}

func (h *Hub) parse(r *http.Request) (hubRequest, error) {
	q := hubRequest{mode: r.PostForm.Get("hub.mode"), topic: r.PostForm.Get("hub.topic"),
		callback: r.PostForm.Get("hub.callback"), secret: r.PostForm.Get("hub.secret"), lease: defaultLease}
	if q.mode != "subscribe" && q.mode != "unsubscribe" {
		return q, fmt.Errorf("hub.mode %q: want subscribe or unsubscribe", clip(q.mode))
	}
	var err error
	if q.channels, q.query, err = h.opts.Topic(q.topic); err != nil {
		return q, fmt.Errorf("hub.topic %q: %v", clip(q.topic), err)
	}
	if err := CheckURL(r.Context(), q.callback, h.opts.AllowHTTP, h.opts.AllowPrivate, h.p.opts.Lookup); err != nil {
		return q, fmt.Errorf("hub.callback: %v", err)
	}
	if len(q.secret) > 199 {
		return q, fmt.Errorf("hub.secret: at most 199 bytes")
	}
	if s := r.PostForm.Get("hub.lease_seconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("hub.lease_seconds %q: want a number of seconds", clip(s))
		}
		q.lease = min(time.Duration(n)*time.Second, maxLease)
	}
	return q, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// websubID is a subscriber's id: one per callback and topic, so that a
// renewal updates its lease and keeps its place.
func websubID(callback, topic string) string {
	sum := sha256.Sum256([]byte(callback + "\x00" + topic))
	return "ws_" + hex.EncodeToString(sum[:8])
}

// verify asks the callback to confirm the request (it must echo
// hub.challenge), then stores or removes the subscription.
func (h *Hub) verify(q hubRequest) {
	ctx, cancel := context.WithTimeout(h.stop, h.p.opts.Timeout)
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
		if err := db.DeleteSubscription(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	until := h.p.opts.Now().Add(q.lease)
	_, err := db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		s.LeaseUntil, s.Secret, s.State = until, q.secret, sppcrawl.SubActive
		return nil
	})
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	seq, err := db.LastSeq(ctx)
	if err != nil {
		return err
	}
	return db.PutSubscription(ctx, sppcrawl.Subscription{ID: id, Kind: sppcrawl.KindWebSub, URL: q.callback, Topic: q.topic,
		Secret: q.secret, Channels: q.channels, Query: q.query, LeaseUntil: until, AllowHTTP: h.opts.AllowHTTP,
		AllowPrivate: h.opts.AllowPrivate, State: sppcrawl.SubActive, Cursor: seq, Created: h.p.opts.Now(),
		// One delivery of the feed carries any number of changes.
		Batch: eventsWindow})
}
