package push

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"sppcrawl"
	"sppcrawl/diff"
)

// message is a webhook's body: one event, or a batch of them.
type message struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      *eventData      `json:"data,omitempty"`
	Events    []eventEnvelope `json:"events,omitempty"` // a batch
}

// eventEnvelope is one event of a batch: its own webhook id, so that a
// receiver deduplicates events, not requests.
type eventEnvelope struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Timestamp string     `json:"timestamp"`
	Data      *eventData `json:"data"`
}

// eventData is what an event carries: the seq, the version and, for a new
// version, what changed, and the article whole in the export schema, so a
// reposting site needs no second request.
type eventData struct {
	Seq     uint64            `json:"seq"`
	Version int               `json:"version,omitempty"`
	Changes string            `json:"changes,omitempty"`
	Article *sppcrawl.Article `json:"article,omitempty"`
	Message string            `json:"message,omitempty"` // ping
}

// msgID is the webhook-id of an event for a subscription: the same on
// every attempt, so that receivers deduplicate.
func msgID(sub string, seq uint64) string { return fmt.Sprintf("msg_%s_%d", sub, seq) }

// eventArticle is the article as the event left it: the version the event
// names, withdrawn or not as the event says.
func eventArticle(ctx context.Context, db Archive, e sppcrawl.Event) (*sppcrawl.Article, error) {
	a, err := db.ArticleVersion(ctx, e.ID, e.Version)
	if err != nil {
		return nil, fmt.Errorf("event %d (%s %s v%d): %w", e.Seq, e.Type, e.ID, e.Version, err)
	}
	switch e.Type {
	case sppcrawl.EventWithdrawn:
		if a.WithdrawnAt.IsZero() {
			a.WithdrawnAt = e.At
		}
	case sppcrawl.EventCreated, sppcrawl.EventUpdated, sppcrawl.EventRestored:
		a.WithdrawnAt = time.Time{}
	}
	return a, nil
}

// dataOf is an event's data.
func dataOf(ctx context.Context, db Archive, e sppcrawl.Event, a *sppcrawl.Article) *eventData {
	d := &eventData{Seq: e.Seq, Version: e.Version, Article: a}
	if e.Type == sppcrawl.EventUpdated && e.Version > 1 {
		if prev, err := db.ArticleVersion(ctx, e.ID, e.Version-1); err == nil {
			d.Changes = diff.Summary(prev, a, len(prev.Paragraphs) > 0)
		}
	}
	return d
}

// webhookBody is the body of a delivery of events: the one event as
// itself, several as a batch.
func webhookBody(sub string, evs []dueEvent, datas []*eventData, now time.Time) ([]byte, string) {
	ts := now.UTC().Format(time.RFC3339)
	if len(evs) == 1 {
		b, _ := marshal(message{Type: string(evs[0].Type), Timestamp: ts, Data: datas[0]})
		return b, msgID(sub, evs[0].Seq)
	}
	m := message{Type: "batch", Timestamp: ts}
	for i, e := range evs {
		m.Events = append(m.Events, eventEnvelope{ID: msgID(sub, e.Seq), Type: string(e.Type), Timestamp: ts, Data: datas[i]})
	}
	b, _ := marshal(m)
	return b, fmt.Sprintf("msg_%s_%d-%d", sub, evs[0].Seq, evs[len(evs)-1].Seq)
}

// marshal is JSON without HTML escaping: body_html stays as the export
// writes it.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
