package store_test

import (
	"sppcrawl"
	"sppcrawl/store"
)

// The store is an archive backend: it satisfies every role interface of
// the root package, and the optional chunk fast path.
var (
	_ sppcrawl.Archive           = (*store.DB)(nil)
	_ sppcrawl.ArticleStore      = (*store.DB)(nil)
	_ sppcrawl.CrawlLog          = (*store.DB)(nil)
	_ sppcrawl.RecheckStore      = (*store.DB)(nil)
	_ sppcrawl.MediaStore        = (*store.DB)(nil)
	_ sppcrawl.SiteMapStore      = (*store.DB)(nil)
	_ sppcrawl.ArticleReader     = (*store.DB)(nil)
	_ sppcrawl.VersionReader     = (*store.DB)(nil)
	_ sppcrawl.SeqLog            = (*store.DB)(nil)
	_ sppcrawl.Notifier          = (*store.DB)(nil)
	_ sppcrawl.ChannelReader     = (*store.DB)(nil)
	_ sppcrawl.FailureLog        = (*store.DB)(nil)
	_ sppcrawl.HealthReader      = (*store.DB)(nil)
	_ sppcrawl.MediaIndex        = (*store.DB)(nil)
	_ sppcrawl.SubscriptionStore = (*store.DB)(nil)
	_ sppcrawl.ChunkReader       = (*store.DB)(nil)
)
