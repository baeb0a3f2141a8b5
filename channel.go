package sppcrawl

import (
	"path"
	"strings"
	"time"
)

// Channel is a list of the site: the crawler walks it, the archive counts
// its articles, feeds are made of it.
type Channel struct {
	Key  string `json:"key"`  // short name for --channels
	Name string `json:"name"` // the site's name; "" until read from the page for a path outside the table
	Path string `json:"path"` // folder, e.g. /spp/jczdal/
}

// ChannelIn is the channel of table at path p, or one named after p's
// last folder (its Name then comes from the page) when the table has none:
// a Site's ChannelByPath over its table.
func ChannelIn(table []Channel, p string) Channel {
	for _, c := range table {
		if c.Path == p {
			return c
		}
	}
	return Channel{Key: path.Base(strings.TrimSuffix(p, "/")), Path: p}
}

// Label names a channel for people: "最高检新闻 (gjybs)", or its key alone
// while its name is unknown.
func (c Channel) Label() string {
	if c.Name == "" {
		return c.Key
	}
	return c.Name + " (" + c.Key + ")"
}

// SiteMap is what the site's homepage navigation lists: every channel the
// site has, as sppcrawl last read it (channels --discover, and a crawl of
// the whole site at most once a day).
type SiteMap struct {
	DiscoveredAt time.Time `json:"discovered_at"`
	Channels     []Channel `json:"channels"`
}

// Stale reports a site map not read within a day of now: a crawl of the
// whole site reads the navigation again.
func (m SiteMap) Stale(now time.Time) bool { return now.Sub(m.DiscoveredAt) > 24*time.Hour }

// AllOf is the table's channels, in its order, then the site map's
// others, in the navigation's order, each with a key of its own (the
// folder's name, or the parent's and the folder's when that is taken:
// xwfbh-wsfbt).
func (m SiteMap) AllOf(table []Channel) []Channel {
	out := append([]Channel{}, table...)
	seen, keys := map[string]bool{}, map[string]bool{}
	for _, c := range out {
		seen[c.Path], keys[c.Key] = true, true
	}
	for _, c := range m.Channels {
		if seen[c.Path] {
			continue
		}
		seen[c.Path] = true
		if c.Key == "" || keys[c.Key] {
			c.Key = uniqueKey(c.Path, keys)
		}
		keys[c.Key] = true
		out = append(out, c)
	}
	return out
}

// uniqueKey names a folder for --channels: its name, else its parent's and
// its own joined by -, else the whole path so joined.
func uniqueKey(p string, taken map[string]bool) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for n := 1; n <= len(parts); n++ {
		k := strings.Join(parts[len(parts)-n:], "-")
		if !taken[k] {
			return k
		}
	}
	return strings.Join(parts, "-")
}

// ChannelKind is what a channel's index page turned out to be.
type ChannelKind string

// Channel kinds: a list of articles is crawled; a page of the navigation
// that is no list (an introduction, an organisation chart, a missing page)
// or lists no articles of the site's own (videos, links elsewhere) is
// recorded once and passed over quietly by crawls of the whole site.
const (
	KindList       ChannelKind = "list"
	KindNotList    ChannelKind = "not-a-list"
	KindNoArticles ChannelKind = "no-articles"
)
