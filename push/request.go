package push

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sppcrawl"
)

// userAgent names the sender to receivers.
const userAgent = "sppcrawl-push (+https://github.com/sppcrawl)"

// request is the POST of a delivery: a webhook of the events, signed as
// Standard Webhooks says, or a WebSub topic's content.
func (p *Pusher) request(ctx context.Context, s *sppcrawl.Subscription, evs []dueEvent, now time.Time) (*http.Request, error) {
	if s.Kind == sppcrawl.KindWebSub {
		return p.websubRequest(ctx, s, now)
	}
	datas := make([]*eventData, len(evs))
	for i, e := range evs {
		a := e.article
		if a == nil {
			var err error
			if a, err = eventArticle(ctx, p.db, e.Event); err != nil {
				return nil, err
			}
		}
		datas[i] = dataOf(ctx, p.db, e.Event, a)
	}
	body, id := webhookBody(s.ID, evs, datas, now)
	return p.signed(ctx, s, id, body, now)
}

// signed is a webhook request of body with the Standard Webhooks headers:
// webhook-id, webhook-timestamp and webhook-signature (the old secret's
// too, for a day after a rotation).
func (p *Pusher) signed(ctx context.Context, s *sppcrawl.Subscription, id string, body []byte, now time.Time) (*http.Request, error) {
	secrets := []string{s.Secret}
	if s.OldSecret != "" && now.Before(s.OldUntil) {
		secrets = append(secrets, s.OldSecret)
	}
	sig, err := Sign(secrets, id, now, body)
	if err != nil {
		return nil, fmt.Errorf("subscription %s: %w", s.ID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	return req, nil
}

// websubRequest is a WebSub content distribution: the topic's feed as it
// is now, with the hub and self links, signed with the subscriber's
// hub.secret when it gave one.
func (p *Pusher) websubRequest(ctx context.Context, s *sppcrawl.Subscription, now time.Time) (*http.Request, error) {
	if p.opts.Feed == nil {
		return nil, fmt.Errorf("subscription %s: no feed renderer: WebSub deliveries run in serve", s.ID)
	}
	ctype, body, err := p.opts.Feed(ctx, s.Topic)
	if err != nil {
		return nil, fmt.Errorf("subscription %s: topic %s: %w", s.ID, s.Topic, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", userAgent)
	if u, err := url.Parse(s.Topic); err == nil {
		hub := url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/websub"}
		req.Header.Add("Link", "<"+hub.String()+">; rel=\"hub\"")
	}
	req.Header.Add("Link", "<"+s.Topic+">; rel=\"self\"")
	if s.Secret != "" {
		req.Header.Set("X-Hub-Signature", hubSignature(s.Secret, body))
	}
	return req, nil
}

// Ping sends a ping event to a subscription now, whatever its state, and
// returns the receiver's status (0 with an error when there was no
// answer). It moves no cursor.
func (p *Pusher) Ping(ctx context.Context, s sppcrawl.Subscription) (int, time.Duration, error) {
	if err := CheckURL(ctx, s.URL, s.AllowHTTP, s.AllowPrivate, p.opts.Lookup); err != nil {
		return 0, 0, err
	}
	now := p.opts.Now()
	body, _ := marshal(message{Type: string(sppcrawl.EventPing), Timestamp: now.UTC().Format(time.RFC3339),
		Data: &eventData{Message: "sppcrawl: a test of subscription " + s.ID}})
	req, err := p.signed(ctx, &s, fmt.Sprintf("msg_%s_ping_%d", s.ID, now.UnixNano()), body, now)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	resp, err := p.client(s.AllowPrivate).Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	discard(resp)
	return resp.StatusCode, time.Since(start), nil
}
