package sppcrawl

import (
	"context"
	"time"
)

// The interfaces below are the archive as the crawler sees it, one per role,
// so each part of a run names only what it uses. *store.DB satisfies them
// all (store's tests assert it).

// ArticleStore keeps articles: what a walk and a fetch store into.
type ArticleStore interface {
	// Upsert stores an article and the page it came from.
	Upsert(ctx context.Context, a *Article, raw *RawPage) (UpsertResult, error)
	// Predict says what Upsert would do, changing nothing.
	Predict(ctx context.Context, a *Article) (Outcome, error)
	// StoredArticle is the article stored under url, else under id; nil if neither.
	StoredArticle(ctx context.Context, url, id string) (*Article, error)
	// HasURL reports whether url is stored, as canonical URL or alias.
	HasURL(ctx context.Context, url string) (bool, error)
	// Count is the number of articles.
	Count(ctx context.Context) (int, error)
}

// CrawlLog is what crawls remember between runs: the channels' states, the
// failure log, the URLs listed but not stored, field counts, the last run.
type CrawlLog interface {
	ChannelState(ctx context.Context, path string) (ChannelState, error)
	PutChannelState(ctx context.Context, st ChannelState) error
	// RecordFailure adds a failed attempt; attempts accumulate over runs.
	RecordFailure(ctx context.Context, f Failure) (Failure, error)
	ClearFailure(ctx context.Context, url string) error
	Failure(ctx context.Context, url string) (Failure, bool, error)
	// Failures lists the failure log: all, or (due) those due at now.
	Failures(ctx context.Context, due bool, now time.Time) ([]Failure, error)
	// MarkSeen records items a list page of channel showed, not stored yet.
	MarkSeen(ctx context.Context, channel string, items []Seen) error
	// FillStats counts the fields filled over a channel's articles.
	FillStats(ctx context.Context, path string) (Fill, error)
	PutRun(ctx context.Context, r RunSummary) error
}

// RecheckStore is what re-verifying stored articles needs.
type RecheckStore interface {
	// DueRechecks lists the n articles checked longest ago.
	DueRechecks(ctx context.Context, n int) ([]Recheck, error)
	// RecordChecked records that the site confirmed the stored version of url.
	RecordChecked(ctx context.Context, url string) (UpsertResult, error)
	// RecordGone records that url answered gone in the run started at run;
	// the second such run withdraws the article.
	RecordGone(ctx context.Context, url string, run time.Time, reason string) (withdrawn bool, err error)
}

// MediaStore keeps the images and attachments of stored articles.
type MediaStore interface {
	// PutMedia archives a file fetched from url for each article in ids; it
	// returns the file's sha256 and whether the archive did not hold it yet.
	PutMedia(ctx context.Context, ids []string, url string, body []byte, contentType string, fetched time.Time) (sha string, isNew bool, err error)
	// RecordMediaMissing records on the article why url could not be archived.
	RecordMediaMissing(ctx context.Context, id, url, reason string) error
	// MissingMedia lists the files not archived of one channel's articles (or all).
	MissingMedia(ctx context.Context, channel string) ([]MediaTodo, error)
	// PendingMedia lists the files of one article not archived nor known missing.
	PendingMedia(ctx context.Context, id string) ([]MediaTodo, error)
	// DueMedia lists the files of stored articles not archived yet and not
	// missing for good: what the media phase of every run fetches.
	DueMedia(ctx context.Context) ([]MediaTodo, error)
}

// SiteMapStore keeps what the site's navigation lists (see SiteMap).
type SiteMapStore interface {
	SiteMap(ctx context.Context) (SiteMap, error)
	PutSiteMap(ctx context.Context, m SiteMap) error
}

// Seen is an item a list page showed: its URL and the title the list gives
// it (what a gap of the archive is called until the article is stored).
type Seen struct {
	URL, Title string
}

// SubscriptionStore keeps push's subscriptions, their cursors and their
// delivery logs.
type SubscriptionStore interface {
	// PutSubscription stores a subscription, new or changed.
	PutSubscription(ctx context.Context, s Subscription) error
	// Subscription reads one subscription; ErrNotFound if there is none.
	Subscription(ctx context.Context, id string) (Subscription, error)
	// Subscriptions lists every subscription, by id.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// UpdateSubscription changes a subscription atomically: fn gets it as
	// stored and changes it in place; an error of fn changes nothing.
	UpdateSubscription(ctx context.Context, id string, fn func(*Subscription) error) (Subscription, error)
	// DeleteSubscription removes a subscription and its delivery log.
	DeleteSubscription(ctx context.Context, id string) error
	// RecordDelivery logs a delivery and applies its outcome to the
	// subscription (fn: the cursor moved, or the retry scheduled) in one
	// commit: a crash between them would send events twice or lose them.
	RecordDelivery(ctx context.Context, id string, d Delivery, fn func(*Subscription)) (Subscription, error)
	// Deliveries is up to n of a subscription's deliveries, newest first.
	Deliveries(ctx context.Context, id string, n int) ([]Delivery, error)
}

// CrawlArchive is the archive as a crawl of one site stores into: the
// articles and media every site shares, the crawl's records (channel
// states, field counts, failures, gaps, rechecks, site map) of that site.
type CrawlArchive interface {
	ArticleStore
	CrawlLog
	RecheckStore
	MediaStore
	SiteMapStore
}

// UnparsedKeeper keeps the page found at an article URL that no template
// of its site reads (extract's unknown layout), so that reextract stores
// its article once the site's adapter reads it; a page stored as an
// article later leaves it.
type UnparsedKeeper interface {
	KeepUnparsed(ctx context.Context, raw *RawPage) error
}

// SiteScoper hands out the crawl's records of one site: an archive holds
// many sites, and two of them may name a channel by the same path, so each
// site's crawl keeps its walks, health and failure log under its own host.
// The archive's own CrawlLog and SiteMapStore methods are those of its
// default site (www.spp.gov.cn's unless it was opened for another).
type SiteScoper interface {
	ForSite(site URLs) CrawlArchive
}

// Archive is the whole archive, every role: what a backend implements
// (the bbolt store now), and what serve and the commands hold. Parts of the
// program take the narrowest interface that serves them.
type Archive interface {
	ArticleStore
	CrawlLog
	RecheckStore
	MediaStore
	SiteMapStore
	ArticleReader
	VersionReader
	SeqLog
	Notifier
	ChannelReader
	FailureLog
	HealthReader
	MediaIndex
	SubscriptionStore
	SiteScoper
	// Close releases the archive; nothing may be called after it.
	Close() error
}
