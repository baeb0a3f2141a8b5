package sppcrawl

import (
	"fmt"
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

// Channels are the channels crawled by default, in crawl order.
var Channels = []Channel{
	{"tt", "头条", "/spp/tt/"},
	{"gjybs", "最高检新闻", "/spp/gjybs/"},
	{"qwfb", "权威发布", "/spp/qwfb/"},
	{"xwfbh", "新闻发布会", "/spp/xwfbh/"},
	{"wsfbt", "网上发布厅", "/spp/wsfbt/"},
	{"jczdal", "指导性案例", "/spp/jczdal/"},
	{"zgjdxal", "典型案例", "/spp/zgjdxal/"},
	{"sfjs", "司法解释", "/spp/sfjs/"},
	{"gfwj", "规范文件", "/spp/gfwj/"},
	{"tzgg1", "通知公告", "/spp/tzgg1/"},
	{"gzbg", "工作报告", "/spp/gzbg/"},
	{"gjgb", "最高检公报", "/spp/gjgb/"},
}

// ChannelByPath is the table's channel at path, or one named after the
// path's last folder (its Name then comes from the page) when the table has
// none.
func ChannelByPath(p string) Channel {
	for _, c := range Channels {
		if c.Path == p {
			return c
		}
	}
	return Channel{Key: path.Base(strings.TrimSuffix(p, "/")), Path: p}
}

// SelectChannels resolves a comma-separated list of keys (tt,jczdal), names
// or folder paths of the site (/spp/zdgz/, also outside the table); an empty
// list selects every channel of the table. Keys and names are looked up in
// the table, then in known (the channels discovered on the site).
func SelectChannels(list string, known ...Channel) ([]Channel, error) {
	if strings.TrimSpace(list) == "" {
		return Channels, nil
	}
	var out []Channel
	seen := map[string]bool{}
	add := func(c Channel) {
		if !seen[c.Path] {
			out = append(out, c)
			seen[c.Path] = true
		}
	}
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if strings.Contains(k, "/") {
			p, err := channelPathOf(k)
			if err != nil {
				return nil, err
			}
			add(ChannelByPath(p))
			continue
		}
		found := false
		for _, c := range append(Channels[:len(Channels):len(Channels)], known...) {
			if c.Key == k || c.Name == k {
				add(c)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown channel %q (see sppcrawl channels; a folder of the site such as /spp/zdgz/ is accepted too)", k)
		}
	}
	return out, nil
}

// channelPathOf reads a channel folder given as a path (/spp/zdgz, or a URL
// of the site ending in it, or its index.shtml) and returns it as
// /spp/zdgz/. Anything outside the site or with odd characters is refused.
func channelPathOf(s string) (string, error) {
	if strings.Contains(s, "..") {
		return "", fmt.Errorf("channel %q: \"..\" is not allowed: want a folder of the site such as /spp/zdgz/", s)
	}
	u, err := CanonicalURL(s)
	if err != nil {
		return "", fmt.Errorf("channel %q: %w", s, err)
	}
	p := strings.TrimPrefix(u, Origin)
	if base := path.Base(p); strings.HasPrefix(base, "index") && strings.Contains(base, ".") {
		p = path.Dir(p)
	}
	p = strings.TrimSuffix(p, "/") + "/"
	if p == "/" || strings.ContainsAny(p, "?#%\\\"'<> ") || strings.Contains(p, "..") {
		return "", fmt.Errorf("channel %q: want a folder of the site such as /spp/zdgz/", s)
	}
	return p, nil
}

// Label names a channel for people: "最高检新闻 (gjybs)", or its key alone
// while its name is unknown.
func (c Channel) Label() string {
	if c.Name == "" {
		return c.Key
	}
	return c.Name + " (" + c.Key + ")"
}

// ListPageURL is the URL of page n (1-based) of the channel at channelPath.
func ListPageURL(channelPath string, n int) string {
	return PagerURL(channelPath, "index", "shtml", n)
}

// PagerURL is SPPURLs.PagerURL.
func PagerURL(channelPath, prefix, ext string, n int) string {
	return SPPURLs.PagerURL(channelPath, prefix, ext, n)
}

// InTable reports whether the channel at path is one of the built-in table.
func InTable(path string) bool { return ChannelByPath(path).Name != "" }

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

// All is the table's channels, in its order, then the site map's others,
// in the navigation's order, each with a key of its own (the folder's name,
// or the parent's and the folder's when that is taken: xwfbh-wsfbt).
func (m SiteMap) All() []Channel { return m.AllOf(Channels) }

// AllOf is All for the site whose table is table.
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
