package spp

import (
	"net/url"
	"time"

	"sppcrawl"
	"sppcrawl/extract"
)

// Key is the site's key (--site spp) and the prefix of its ids.
const Key = "spp"

// Site is www.spp.gov.cn. Its zero value is ready to use.
type Site struct{}

var _ sppcrawl.Site = Site{}

// Host is the site's canonical host.
const Host = "www.spp.gov.cn"

// Origin is the site's canonical scheme and host, without a trailing
// slash.
const Origin = "https://" + Host

// Layout is the site's URL layout: spp-<manuscriptId> ids, the bare
// spp.gov.cn served too, and 头条 and 重点推荐 listing the articles of other
// channels (a cross-post's home is its own channel's URL).
var Layout = sppcrawl.NewLayout(Host, "spp-", "spp.gov.cn").WithListings("/spp/tt/", "/spp/zdgz/")

// Channels are the channels crawled by default, in crawl order.
var Channels = []sppcrawl.Channel{
	{Key: "tt", Name: "头条", Path: "/spp/tt/"},
	{Key: "gjybs", Name: "最高检新闻", Path: "/spp/gjybs/"},
	{Key: "qwfb", Name: "权威发布", Path: "/spp/qwfb/"},
	{Key: "xwfbh", Name: "新闻发布会", Path: "/spp/xwfbh/"},
	{Key: "wsfbt", Name: "网上发布厅", Path: "/spp/wsfbt/"},
	{Key: "jczdal", Name: "指导性案例", Path: "/spp/jczdal/"},
	{Key: "zgjdxal", Name: "典型案例", Path: "/spp/zgjdxal/"},
	{Key: "sfjs", Name: "司法解释", Path: "/spp/sfjs/"},
	{Key: "gfwj", Name: "规范文件", Path: "/spp/gfwj/"},
	{Key: "tzgg1", Name: "通知公告", Path: "/spp/tzgg1/"},
	{Key: "gzbg", Name: "工作报告", Path: "/spp/gzbg/"},
	{Key: "gjgb", Name: "最高检公报", Path: "/spp/gjgb/"},
}

// layout and parser are the Site's: parser reads the templates by the
// layout and names the navigation's channels by the table.
var (
	layout = Layout
	parser = extract.Parser{URLs: layout, Table: Channels}
)

// Key is "spp".
func (Site) Key() string { return Key }

// Name is the site's name.
func (Site) Name() string { return "最高人民检察院" }

// Host is www.spp.gov.cn.
func (Site) Host() string { return layout.Host() }

// Origin is https://www.spp.gov.cn.
func (Site) Origin() string { return layout.Origin() }

// CanonicalURL normalises a URL of the site (bare spp.gov.cn accepted).
func (Site) CanonicalURL(raw string) (string, error) { return layout.CanonicalURL(raw) }

// ResolveURL resolves a reference found on a page of the site.
func (Site) ResolveURL(raw string, base *url.URL) (string, error) {
	return layout.ResolveURL(raw, base)
}

// IsArticleURL reports whether a canonical URL is an article page's
// (…/yyyymm/tyyyymmdd_NNN.shtml).
func (Site) IsArticleURL(canonical string) bool { return layout.IsArticleURL(canonical) }

// ArticleID is spp-<manuscriptId> of an article URL, or "".
func (Site) ArticleID(canonical string) string { return layout.ArticleID(canonical) }

// ChannelPath is the channel folder of a page of the site.
func (Site) ChannelPath(u string) string { return layout.ChannelPath(u) }

// HomeRank ranks the URLs of a cross-post: its own channel's over 头条's
// and 重点推荐's, which list the articles of others.
func (Site) HomeRank(url, channelPath string) int { return layout.HomeRank(url, channelPath) }

// Channels are the twelve channels of the table, in crawl order.
func (Site) Channels() []sppcrawl.Channel { return Channels }

// ChannelByPath is the table's channel at path, or one named after the
// folder.
func (Site) ChannelByPath(path string) sppcrawl.Channel { return sppcrawl.ChannelIn(Channels, path) }

// HomeURL is the homepage, whose navigation lists the channels.
func (Site) HomeURL() string { return layout.Origin() + "/spp/index.shtml" }

// ListPageURL is page n of a channel: index.shtml, then index_2.shtml, …
// (createPageHTML's scheme).
func (Site) ListPageURL(channelPath string, n int) string {
	return layout.PagerURL(channelPath, "index", "shtml", n)
}

// Politeness is a second between requests, two in flight.
func (Site) Politeness() sppcrawl.Politeness {
	return sppcrawl.Politeness{Delay: time.Second, Parallel: 2}
}

// ParseArticle reads an article page of the site's templates.
func (Site) ParseArticle(body []byte, pageURL, contentType string) (*sppcrawl.Article, error) {
	return parser.ParseArticle(body, pageURL, contentType)
}

// ParseList reads a channel's list page.
func (Site) ParseList(body []byte, pageURL, contentType string) (*sppcrawl.List, error) {
	return parser.ParseList(body, pageURL, contentType)
}

// ParseNav reads the channels the homepage's navigation links to.
func (Site) ParseNav(body []byte, pageURL, contentType string) ([]sppcrawl.Channel, error) {
	return parser.ParseNav(body, pageURL, contentType)
}

// PageKind says what a page expected to be a list is.
func (Site) PageKind(body []byte, contentType string) sppcrawl.PageKind {
	return extract.PageKind(body, contentType)
}
