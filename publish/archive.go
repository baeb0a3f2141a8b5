package publish

import (
	"context"
	"time"

	"sppcrawl"
)

// Reader is the archive as the pull interface reads it: its answers,
// /healthz, /metrics and the statistics. It names only reading methods, so
// the type says what Server promises (it never changes the archive), and
// any backend that implements sppcrawl.Archive serves.
type Reader interface {
	sppcrawl.ArticleReader
	sppcrawl.VersionReader
	sppcrawl.SeqLog
	sppcrawl.ChannelReader
	sppcrawl.HealthReader
	sppcrawl.MediaIndex
	SiteMap(ctx context.Context) (sppcrawl.SiteMap, error)
	Failures(ctx context.Context, due bool, now time.Time) ([]sppcrawl.Failure, error)
	SubscriptionReader
}

// ExportReader is what the exports read: the articles by seq, the latest
// ones, the raw pages and the files (WARC).
type ExportReader interface {
	sppcrawl.ArticleReader
	sppcrawl.SeqLog
	sppcrawl.MediaIndex
}

// SubscriptionReader is what the reports of push's subscriptions read:
// the subscriptions, and the events each has yet to receive.
type SubscriptionReader interface {
	Subscriptions(ctx context.Context) ([]sppcrawl.Subscription, error)
	Events(ctx context.Context, after uint64, limit int) ([]sppcrawl.Event, error)
}
