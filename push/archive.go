package push

import "sppcrawl"

// Archive is the archive as push uses it: the subscriptions and their
// delivery logs, the events by seq, and the versions an event names (a
// payload's article and what changed since the one before).
type Archive interface {
	sppcrawl.SubscriptionStore
	sppcrawl.SeqLog
	sppcrawl.VersionReader
}
