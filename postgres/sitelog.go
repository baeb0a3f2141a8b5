package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"sppcrawl"
)

// An archive holds many sites, and two of them may name a channel by the
// same path: channel_states is keyed by (site, path), the site map by
// host ('sitemap/' || host in meta). Failures, gaps and rechecks are keyed
// by URL, which names the host. The DB's own methods are those of its
// default site, www.spp.gov.cn.

// defaultHost is the host of the site the DB's own crawl-log methods
// stand for.
func defaultHost() string { return sppcrawl.LegacySite().Host() }

// SiteLog is the archive as the crawl of one site sees it: that site's
// channel states, field counts, failures, gaps, rechecks and site map, and
// the articles and media every site shares.
type SiteLog struct {
	*DB
	host string
}

// ForSite is the archive as the crawl of site stores into.
func (db *DB) ForSite(site sppcrawl.URLs) sppcrawl.CrawlArchive {
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

// Count is the number of the site's articles.
func (s *SiteLog) Count(ctx context.Context) (int, error) {
	var n int
	err := s.DB.rd().QueryRow(ctx, "SELECT count(*) FROM articles WHERE lower(split_part(url, '/', 3)) = $1", s.host).Scan(&n)
	return n, wrap("count of "+s.host, err)
}

// Failures lists the site's part of the failure log.
func (s *SiteLog) Failures(ctx context.Context, due bool, now time.Time) ([]sppcrawl.Failure, error) {
	all, err := s.DB.Failures(ctx, due, now)
	return slices.DeleteFunc(all, func(f sppcrawl.Failure) bool { return sppcrawl.URLHost(f.URL) != s.host }), err
}

// Gaps lists the gaps of the site's channel (path), or of all its
// channels ("").
func (s *SiteLog) Gaps(ctx context.Context, channel string) ([]sppcrawl.Gap, error) {
	all, err := s.DB.Gaps(ctx, channel)
	return slices.DeleteFunc(all, func(g sppcrawl.Gap) bool { return sppcrawl.URLHost(g.URL) != s.host }), err
}

// DueRechecks lists the n articles of the site checked longest ago.
func (s *SiteLog) DueRechecks(ctx context.Context, n int) ([]sppcrawl.Recheck, error) {
	return s.DB.dueRechecks(ctx, n, s.host)
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
