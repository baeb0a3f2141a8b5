package push

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"sppcrawl"
	"sppcrawl/search"
)

// rotationOverlap is how long the old secret still signs after a rotation.
const rotationOverlap = 24 * time.Hour

// AddOptions describe a new webhook subscription.
type AddOptions struct {
	URL          string
	Events       []sppcrawl.EventType // none: every article event
	Channels     []string             // channel paths; none: all
	Sites        []string             // sites by key or host; none: all
	Query        string               // a search query the article must match
	Batch        int
	AllowHTTP    bool
	AllowPrivate bool
	Since        *uint64 // start after this seq (a backfill); nil: the archive's current seq
}

// Add checks and stores a new webhook subscription, with its secret.
func (p *Pusher) Add(ctx context.Context, o AddOptions) (sppcrawl.Subscription, error) {
	if err := CheckURL(ctx, o.URL, o.AllowHTTP, o.AllowPrivate, p.opts.Lookup); err != nil {
		return sppcrawl.Subscription{}, err
	}
	for _, e := range o.Events {
		if !slices.Contains(sppcrawl.ArticleEvents, e) {
			return sppcrawl.Subscription{}, fmt.Errorf("event %q: want created, updated, withdrawn or restored", e)
		}
	}
	if o.Query != "" {
		if _, err := search.ParseQuery(o.Query); err != nil {
			return sppcrawl.Subscription{}, err
		}
	}
	sites, err := search.ParseSites(o.Sites...)
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	if o.Batch < 0 || o.Batch > 1000 {
		return sppcrawl.Subscription{}, fmt.Errorf("batch %d: want 1 to 1000", o.Batch)
	}
	secret, err := NewSecret()
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	id, err := newID("sub_")
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	s := sppcrawl.Subscription{ID: id, Kind: sppcrawl.KindWebhook, URL: o.URL, Secret: secret, Events: o.Events,
		Channels: o.Channels, Sites: sites, Query: o.Query, Batch: o.Batch, AllowHTTP: o.AllowHTTP, AllowPrivate: o.AllowPrivate,
		State: sppcrawl.SubActive, Created: p.opts.Now()}
	if o.Since != nil {
		s.Cursor = *o.Since
	} else if s.Cursor, err = p.db.LastSeq(ctx); err != nil {
		return s, err
	}
	return s, p.db.PutSubscription(ctx, s)
}

func newID(prefix string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return prefix + hex.EncodeToString(b[:]), nil
}

// Pause stops a subscription's deliveries (its cursor kept).
func (p *Pusher) Pause(ctx context.Context, id string) (sppcrawl.Subscription, error) {
	return p.db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		s.State, s.Paused = sppcrawl.SubPaused, "paused by its owner"
		return nil
	})
}

// Resume starts a paused or failing subscription again, from the first
// event it has not acknowledged, with a fresh retry schedule. The request
// it was retrying is sent as it was (s.Pending kept: the same webhook-id).
func (p *Pusher) Resume(ctx context.Context, id string) (sppcrawl.Subscription, error) {
	return p.db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		s.State, s.Paused, s.Attempts, s.NextAttempt = sppcrawl.SubActive, "", 0, time.Time{}
		return nil
	})
}

// Replay moves a subscription's cursor back to since: every event after
// it is delivered again (with the same webhook-ids).
func (p *Pusher) Replay(ctx context.Context, id string, since uint64) (sppcrawl.Subscription, error) {
	return p.db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		s.Cursor, s.Attempts, s.Pending, s.NextAttempt = since, 0, 0, time.Time{}
		if s.State == sppcrawl.SubFailing {
			s.State = sppcrawl.SubActive
		}
		return nil
	})
}

// RotateSecret gives a webhook subscription a new secret; the old one
// signs beside it for a day, so a receiver can switch without a gap.
func (p *Pusher) RotateSecret(ctx context.Context, id string) (sppcrawl.Subscription, error) {
	secret, err := NewSecret()
	if err != nil {
		return sppcrawl.Subscription{}, err
	}
	return p.db.UpdateSubscription(ctx, id, func(s *sppcrawl.Subscription) error {
		if s.Kind != sppcrawl.KindWebhook {
			return fmt.Errorf("subscription %s: a WebSub subscriber chooses its own secret", id)
		}
		s.OldSecret, s.OldUntil, s.Secret = s.Secret, p.opts.Now().Add(rotationOverlap), secret
		return nil
	})
}
