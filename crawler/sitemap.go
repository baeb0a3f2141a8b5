package crawler

import (
	"sppcrawl/sites"
	"time"

	"sppcrawl"
)

// A crawl of the whole site (Config.Discover) crawls every channel the
// homepage's navigation lists, read at most once a day and kept in the
// archive, beside the built-in table (the fallback, and the keys). A
// channel first seen in the navigation is a probe: when its index page is
// no list, or lists no article of the site's own, that is recorded once
// (ChannelState.Kind) and later runs pass over it quietly, looking again
// after reprobeAfter; nothing about it counts as unhealthy.

// reprobeAfter is how long a page of the navigation that is no list is
// passed over before a crawl looks at it again.
const reprobeAfter = 30 * 24 * time.Hour

// runChannels is what this run crawls: Config.Channels, or with Discover
// the whole site as the archive's site map (refreshed when stale) has it.
func (r *run) runChannels() ([]sppcrawl.Channel, error) {
	c := r.c
	if !c.cfg.Discover {
		return c.cfg.Channels, nil
	}
	m, err := c.sites.SiteMap(r.ctx)
	if err != nil {
		return nil, err
	}
	if m.Stale(r.sum.Started) {
		m = r.rediscover(m)
	}
	var out []sppcrawl.Channel
	for _, ch := range m.AllOf(c.site.Channels()) {
		st, err := c.ledger.ChannelState(r.ctx, ch.Path)
		if err != nil {
			return nil, err
		}
		passOver := st.Kind == sppcrawl.KindNotList || st.Kind == sppcrawl.KindNoArticles
		if !r.c.inTable(ch.Path) && passOver && r.sum.Started.Sub(st.LastRun) < reprobeAfter {
			continue
		}
		out = append(out, ch)
	}
	return out, nil
}

// rediscover reads the navigation again and keeps it in the archive; when
// the homepage cannot be read, the map known (or the table) serves.
func (r *run) rediscover(known sppcrawl.SiteMap) sppcrawl.SiteMap {
	chans, err := r.c.Discover(r.ctx)
	if err != nil || len(chans) == 0 {
		r.c.log.Warn("the homepage's navigation could not be read: crawling the channels known", "err", err, "known", len(known.AllOf(r.c.site.Channels())))
		return known
	}
	m := sppcrawl.SiteMap{DiscoveredAt: r.sum.Started, Channels: chans}
	if err := r.c.sites.PutSiteMap(r.ctx, m); err != nil {
		r.fail(err)
	}
	r.c.log.Info("the homepage's navigation read", "channels", len(chans))
	return m
}

// probing reports whether a channel's index page is still to be found a
// list: one of the navigation, not the table, never seen as a list.
func (r *run) probing(cr *chanRun) bool {
	return !r.c.inTable(cr.ch.Path) && cr.state.Kind != sppcrawl.KindList && cr.probe
}

// passOver records, quietly, that a probed channel is not to be crawled.
func (r *run) passOver(cr *chanRun, kind sppcrawl.ChannelKind, why string) {
	r.mu.Lock()
	cr.state.Kind = kind
	cr.failed = true // nothing was walked: no validators to trust
	r.mu.Unlock()
	r.c.log.Info("a page of the navigation that is not a channel of articles: passed over", "channel", cr.ch.Path, "kind", string(kind), "why", why)
}

// inTable reports whether the channel at path is one of the site's table.
func (c *Crawler) inTable(path string) bool { return sites.InTable(c.site, path) }

// onSiteArticles counts the items of a list that are articles of the site.
func (c *Crawler) onSiteArticles(items []string) int {
	n := 0
	for _, u := range items {
		if c.site.IsArticleURL(u) {
			n++
		}
	}
	return n
}
