package sppcrawl

import "time"

// EventType is what happened to an article, as push delivers it to the
// subscribers of the archive.
type EventType string

// Event types: what moved an article to a new seq, and the test message.
const (
	EventCreated   EventType = "article.created"
	EventUpdated   EventType = "article.updated"   // a new version
	EventWithdrawn EventType = "article.withdrawn" // the site no longer publishes it
	EventRestored  EventType = "article.restored"  // it came back
	EventPing      EventType = "ping"              // `subscriptions test`
)

// ArticleEvents are the event types a subscription may ask for.
var ArticleEvents = []EventType{EventCreated, EventUpdated, EventWithdrawn, EventRestored}

// Event is one change of the archive's seq log: the seq the article took,
// what happened, which article and version, and when. The archive keeps
// every event, so the outbox of push never loses one, even where the log
// of articles keeps only their latest seq.
type Event struct {
	Seq     uint64    `json:"seq"`
	Type    EventType `json:"type"`
	ID      string    `json:"id"`
	Version int       `json:"version"`
	At      time.Time `json:"at"`
}
