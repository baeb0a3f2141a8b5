package sppcrawl

import "time"

// SubState is where a subscription stands.
type SubState string

// Subscription states.
const (
	SubActive  SubState = "active"  // delivering
	SubPaused  SubState = "paused"  // by its owner, or by a 410 Gone of its receiver
	SubFailing SubState = "failing" // the retry schedule is spent: stopped, its cursor kept
)

// SubKind is what a subscription receives and how: its word is what the
// archive stores and the outputs print.
type SubKind string

// Subscription kinds.
const (
	KindWebhook SubKind = "webhook" // Standard Webhooks: events as signed JSON
	KindWebSub  SubKind = "websub"  // a WebSub subscriber of a feed: the feed's content
)

// Subscription is a receiver the archive pushes its events to, kept in
// the archive with its cursor: the seq of the last event it acknowledged
// (or that its filter passed over).
type Subscription struct {
	ID   string  `json:"id"`
	Kind SubKind `json:"kind"`
	URL  string  `json:"url"` // where deliveries are POSTed (a WebSub callback)

	// Secret signs deliveries (whsec_… for webhooks; WebSub's hub.secret,
	// "" for none). After a rotation OldSecret signs too, until OldUntil.
	Secret    string    `json:"secret,omitempty"`
	OldSecret string    `json:"old_secret,omitempty"`
	OldUntil  time.Time `json:"old_until,omitzero"`

	// The filter: event types (none: every article event), channel paths
	// (none: all), sites by key or host (none: all, as every subscription
	// stored before sites were named) and a search query (""), all of
	// which an event must pass.
	Events   []EventType `json:"events,omitempty"`
	Channels []string    `json:"channels,omitempty"`
	Sites    []string    `json:"sites,omitempty"`
	Query    string      `json:"query,omitempty"`
	// Topic is a WebSub subscription's feed URL; LeaseUntil when it ends.
	Topic      string    `json:"topic,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`

	Batch        int  `json:"batch,omitempty"` // events per request (0 or 1: one)
	AllowHTTP    bool `json:"allow_http,omitempty"`
	AllowPrivate bool `json:"allow_private,omitempty"`

	State   SubState  `json:"state"`
	Cursor  uint64    `json:"cursor"`
	Created time.Time `json:"created"`

	// The delivery in trouble: attempts made, when the next is due, what
	// the last said, since when the oldest undelivered event waits.
	Attempts    int       `json:"attempts,omitempty"`
	Pending     uint64    `json:"pending,omitempty"` // the last seq of the request being retried
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Paused      string    `json:"paused,omitempty"` // why, when paused

	Delivered int            `json:"delivered"` // events acknowledged
	ByStatus  map[string]int `json:"by_status,omitempty"`
}

// Delivery is one request to a subscription's receiver: the delivery log.
type Delivery struct {
	At       time.Time     `json:"at"`
	First    uint64        `json:"first_seq"`
	Last     uint64        `json:"last_seq"`
	Events   int           `json:"events"`
	Status   int           `json:"status"` // 0: no answer
	Duration time.Duration `json:"duration_ns"`
	Error    string        `json:"error,omitempty"`
}
