package s12309

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
)

// Key is the site's key (--site 12309) and the prefix of its ids.
const Key = "12309"

// Host is the site's canonical host.
const Host = "www.12309.gov.cn"

// Site is www.12309.gov.cn. Its zero value is ready to use; it keeps no
// state.
type Site struct{}

var (
	_ sppcrawl.Site         = Site{}
	_ sppcrawl.ListService  = Site{}
	_ sppcrawl.ListedParser = Site{}
)

var layout = sppcrawl.NewLayout(Host, Key+"-", "12309.gov.cn")

// kind is a kind of document the list service answers for: a channel of
// the site. codeID is the sidebar's codeId of a 法律文书 kind.
type kind struct {
	sppcrawl.Channel
	codeID string
}

// caseInfo is the channel of 重要案件信息; the others are 法律文书公开's
// kinds as its sidebar (ul#fileType) lists them.
const caseInfo = "重要案件信息"

// kinds are the channels, in crawl order. Their paths are the lists'
// identities in the crawl's records (the service has no page per list).
var kinds = []kind{
	{sppcrawl.Channel{Key: "zdajxx", Name: caseInfo, Path: "/12309/gj/zdajxx/"}, ""},
	{sppcrawl.Channel{Key: "qss", Name: "起诉书", Path: "/12309/gj/zjxflws/qss/"}, "2c6b4deaf04949d686323d98e77f7ff4"},
	{sppcrawl.Channel{Key: "kss", Name: "抗诉书", Path: "/12309/gj/zjxflws/kss/"}, "d25e982baf8e4dffb1c27ef4caa53aa4"},
	{sppcrawl.Channel{Key: "bqsjds", Name: "不起诉决定书", Path: "/12309/gj/zjxflws/bqsjds/"}, "fceb1940f14b4a6a8ff9b4e70e4e8519"},
	{sppcrawl.Channel{Key: "xsssjgtzs", Name: "刑事申诉结果通知书", Path: "/12309/gj/zjxflws/xsssjgtzs/"}, "2c334a3b4ecf455197479a1f2c4e3864"},
	{sppcrawl.Channel{Key: "qtflws", Name: "其他法律文书", Path: "/12309/gj/zjxflws/qtflws/"}, "a64dbd5f8b0b4115a687c74c6f64422c"},
}

// docsPath is the folder of 法律文书公开; a kind the sidebar names beyond
// the table is the folder of its codeId below it.
const docsPath = "/12309/gj/zjxflws/"

// kindAt is the kind whose channel is at path: one of the table, or one
// named by its codeId below docsPath (its name then unknown).
func kindAt(path string) kind {
	for _, k := range kinds {
		if k.Path == path {
			return k
		}
	}
	if id, ok := strings.CutPrefix(path, docsPath); ok && isCodeID(strings.TrimSuffix(id, "/")) {
		id = strings.TrimSuffix(id, "/")
		return kind{sppcrawl.Channel{Key: id, Path: path}, id}
	}
	return kind{Channel: sppcrawl.Channel{Key: lastFolder(path), Path: path}}
}

// kindNamed is the kind of the table named name (起诉书), if any.
func kindNamed(name string) (kind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return k, true
		}
	}
	return kind{}, false
}

// isCodeID: a sidebar codeId is 32 lower-case hex digits.
func isCodeID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

func lastFolder(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// Key is "12309".
func (Site) Key() string { return Key }

// Name is the site's name.
func (Site) Name() string { return "中国检察网" }

// Host is www.12309.gov.cn.
func (Site) Host() string { return Host }

// Origin is https://www.12309.gov.cn.
func (Site) Origin() string { return layout.Origin() }

// CanonicalURL normalises a URL of the site (bare 12309.gov.cn accepted).
func (Site) CanonicalURL(raw string) (string, error) { return layout.CanonicalURL(raw) }

// ResolveURL resolves a reference found on a page of the site.
func (Site) ResolveURL(raw string, base *url.URL) (string, error) {
	return layout.ResolveURL(raw, base)
}

// IsArticleURL reports whether a canonical URL is a detail page's
// (…/yyyymm/tyyyymmdd_N.shtml or .html).
func (Site) IsArticleURL(canonical string) bool { return layout.IsArticleURL(canonical) }

// ArticleID is 12309-<docid> of a detail URL, or "".
func (Site) ArticleID(canonical string) string { return layout.ArticleID(canonical) }

// ChannelPath is the folder of a page of the site.
func (Site) ChannelPath(u string) string { return layout.ChannelPath(u) }

// HomeRank: a document is listed under one kind only.
func (Site) HomeRank(u, channelPath string) int { return layout.HomeRank(u, channelPath) }

// Channels are 重要案件信息 and the five 法律文书 kinds, of every region.
func (Site) Channels() []sppcrawl.Channel {
	out := make([]sppcrawl.Channel, len(kinds))
	for i, k := range kinds {
		out[i] = k.Channel
	}
	return out
}

// ChannelByPath is the kind's channel at path.
func (Site) ChannelByPath(path string) sppcrawl.Channel { return kindAt(path).Channel }

// HomeURL is 法律文书公开's list page, whose sidebar names the kinds.
func (Site) HomeURL() string { return layout.Origin() + docsPath + "index.shtml" }

// ListPageURL is page n of a kind's list as the crawl's records name it:
// index.shtml, index_2.shtml, … in the kind's folder. The service is asked
// for it (ListRequests); no such page is fetched.
func (Site) ListPageURL(channelPath string, n int) string {
	return layout.PagerURL(channelPath, "index", "shtml", n)
}

// pageOf is the page number of a ListPageURL.
func pageOf(listURL string) int {
	base := listURL[strings.LastIndexByte(listURL, '/')+1:]
	num, ok := strings.CutPrefix(strings.TrimSuffix(base, ".shtml"), "index_")
	if !ok {
		return 1
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// Politeness is two seconds between requests, one at a time: a crawler of
// the live site paced itself like a person.
func (Site) Politeness() sppcrawl.Politeness {
	return sppcrawl.Politeness{Delay: 2 * time.Second, Parallel: 1}
}
