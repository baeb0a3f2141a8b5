package store

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// An archive holds many sites, and two of them may name a channel by the
// same path (/xwfb/): the crawl's records of a channel (its state, walk,
// health, drift and field counts) are keyed by its site's host, then its
// path ("www.spp.gov.cn/spp/jczdal/"), and the site map by host. Failures,
// gaps and rechecks are keyed by URL, which names the host already.

// siteChanKey is the key of the records of the channel at path of host.
func siteChanKey(host, path string) string { return strings.ToLower(host) + path }

// keyHost is the host a channel record's key names ("" for a key of an
// archive before schema 4, the path alone).
func keyHost(k []byte) string {
	h, _, _ := strings.Cut(string(k), "/")
	return h
}

// siteMapKey is the meta key of host's site map.
func siteMapKey(host string) []byte { return []byte(string(keySiteMap) + "/" + strings.ToLower(host)) }

// layouts are the URL layouts of the sites an archive was asked to keep
// (ForSite), by host: a URL is read by its own site's (a cross-post ranked,
// a channel named), the default site's for a host it was not given.
type layouts struct {
	mu     sync.RWMutex
	byHost map[string]sppcrawl.URLs
}

func (l *layouts) add(site sppcrawl.URLs) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byHost == nil {
		l.byHost = map[string]sppcrawl.URLs{}
	}
	l.byHost[strings.ToLower(site.Host())] = site
}

func (l *layouts) of(u string, def sppcrawl.URLs) sppcrawl.URLs {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if s, ok := l.byHost[sppcrawl.URLHost(u)]; ok {
		return s
	}
	return def
}

// layoutOf is the URL layout of the site of u.
func (db *DB) layoutOf(u string) sppcrawl.URLs { return db.sites.of(u, db.site) }

// SiteLog is the archive as the crawl of one site sees it: that site's
// channel states, field counts, failures, gaps, rechecks and site map, and
// the articles and media every site shares (those of the DB).
type SiteLog struct {
	*DB
	host string
}

// ForSite is the archive as the crawl of site stores into; the archive
// reads site's URLs by its layout from now on.
func (db *DB) ForSite(site sppcrawl.URLs) sppcrawl.CrawlArchive {
	db.sites.add(site)
	return &SiteLog{DB: db, host: strings.ToLower(site.Host())}
}

// ChannelState is what the last crawl remembered of the site's channel.
func (s *SiteLog) ChannelState(ctx context.Context, path string) (sppcrawl.ChannelState, error) {
	return s.DB.channelState(ctx, s.host, path)
}

// PutChannelState records a channel's state under the site.
func (s *SiteLog) PutChannelState(ctx context.Context, st sppcrawl.ChannelState) error {
	return s.DB.putChannelState(ctx, s.host, st)
}

// ChannelStates lists the site's channels crawled so far.
func (s *SiteLog) ChannelStates(ctx context.Context) ([]sppcrawl.ChannelState, error) {
	return s.DB.channelStates(ctx, s.host)
}

// FillStats counts the fields filled over the site's channel's articles.
func (s *SiteLog) FillStats(ctx context.Context, path string) (sppcrawl.Fill, error) {
	return s.DB.fillStats(ctx, s.host, path)
}

// Count is the number of the site's URLs the archive holds, aliases
// included: what a run of the site knows of its share of the archive (none:
// the site was never crawled, and a first run takes the last 30 days).
func (s *SiteLog) Count(ctx context.Context) (int, error) {
	n := 0
	prefix := []byte("https://" + s.host + "/")
	err := s.DB.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketURLs).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// Failures lists the site's part of the failure log.
func (s *SiteLog) Failures(ctx context.Context, due bool, now time.Time) ([]sppcrawl.Failure, error) {
	all, err := s.DB.Failures(ctx, due, now)
	return slices.DeleteFunc(all, func(f sppcrawl.Failure) bool { return sppcrawl.URLHost(f.URL) != s.host }), err
}

// Gaps lists the gaps of the site's channel (path), or of all its
// channels ("").
func (s *SiteLog) Gaps(ctx context.Context, channel string) ([]Gap, error) {
	all, err := s.DB.Gaps(ctx, channel)
	return slices.DeleteFunc(all, func(g Gap) bool { return sppcrawl.URLHost(g.URL) != s.host }), err
}

// DueRechecks lists the n articles of the site checked longest ago.
func (s *SiteLog) DueRechecks(ctx context.Context, n int) ([]sppcrawl.Recheck, error) {
	return s.DB.dueRechecks(ctx, n, func(u string) bool { return sppcrawl.URLHost(u) == s.host })
}

// SiteMap is the channels the site's navigation listed when last read.
func (s *SiteLog) SiteMap(ctx context.Context) (sppcrawl.SiteMap, error) {
	return s.DB.siteMap(ctx, s.host)
}

// PutSiteMap records what the site's navigation lists.
func (s *SiteLog) PutSiteMap(ctx context.Context, m sppcrawl.SiteMap) error {
	return s.DB.putSiteMap(ctx, s.host, m)
}

// ForgetChannel forgets what crawls recorded of the site's channel at path.
func (s *SiteLog) ForgetChannel(ctx context.Context, path string) (bool, error) {
	return s.DB.forgetChannel(ctx, s.host, path)
}

// archiveHost is the host of the site an archive of one site holds: that
// of its first article, www.spp.gov.cn's when it holds none (every archive
// before schema 4 held one site; crawl refused another's).
func archiveHost(tx *bolt.Tx) string {
	c := tx.Bucket(bucketArticles).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if a, err := decodeArticle(v); err == nil && a != nil {
			if h := sppcrawl.URLHost(a.URL); h != "" {
				return h
			}
		}
	}
	return sppcrawl.LegacySite().Host()
}
