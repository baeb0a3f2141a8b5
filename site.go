package sppcrawl

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// Site is one website the archive is made of: its URLs and ids, its
// channels and how they are found, its list pages and their pager, the
// parsers of its templates and how politely it is crawled. The crawler
// fetches through a Site and the store keeps what the Site named, so
// neither names a host; a site family (spp.gov.cn, 12309, the local
// procuratorates' TRS sites) is one package under site/, listed in the
// sites registry.
type Site interface {
	URLs
	Extractor
	// Key names the site for --site and prefixes its ids: "spp",
	// "12309", "gd.jcy" (a host without www. and .gov.cn).
	Key() string
	// Name is the site's name for people.
	Name() string
	// Channels are the channels crawled by default, in crawl order.
	Channels() []Channel
	// ChannelByPath is the site's channel at a folder path, or one named
	// after the folder (its Name then comes from the page) outside the
	// table.
	ChannelByPath(path string) Channel
	// HomeURL is the canonical URL of the page whose navigation lists
	// the site's channels (channels --discover).
	HomeURL() string
	// ListPageURL is the canonical URL of page n (1-based) of the
	// channel at channelPath: the page's identity in the crawl's records
	// (failures, validators, robots.txt), also for a site whose lists are
	// answered by a service rather than served as pages.
	ListPageURL(channelPath string, n int) string
	// Politeness is how the site is crawled unless the operator says
	// otherwise.
	Politeness() Politeness
}

// URLs is a site's URL layout: what the archive needs to know of a URL
// without fetching it. Every URL the archive stores is canonical.
type URLs interface {
	// Host is the canonical host; every stored URL uses it over https.
	Host() string
	// Origin is https:// and the host, without a trailing slash.
	Origin() string
	// CanonicalURL normalises a page URL of the site (a URL typed
	// without its scheme included); any other host is refused with
	// ErrOffSite.
	CanonicalURL(raw string) (string, error)
	// ResolveURL is CanonicalURL for a reference found on a page:
	// relative references resolve against base (nil: the site root).
	ResolveURL(raw string, base *url.URL) (string, error)
	// IsArticleURL reports whether a canonical URL is an article page's.
	IsArticleURL(canonical string) bool
	// ArticleID is the id of the article at an article URL, "" for any
	// other URL.
	ArticleID(canonical string) string
	// ChannelPath is the folder of the channel a page of the site lives
	// in ("/spp/jczdal/").
	ChannelPath(u string) string
	// HomeRank is how well a URL serves as the canonical URL of an
	// article whose page there names channelPath as its channel: of an
	// article the site lists in several channels, the archive keeps the
	// URL of the highest rank (see BetterHomeIn).
	HomeRank(url, channelPath string) int
}

// Extractor reads the pages of a site's templates; it never fetches.
// pageURL is where a page was fetched from, contentType its HTTP header.
type Extractor interface {
	// ParseArticle reads an article page.
	ParseArticle(body []byte, pageURL, contentType string) (*Article, error)
	// ParseList reads a page of a channel's list.
	ParseList(body []byte, pageURL, contentType string) (*List, error)
	// ParseNav lists the channels a page's navigation links to.
	ParseNav(body []byte, pageURL, contentType string) ([]Channel, error)
	// PageKind says what a page is that was expected to be a list.
	PageKind(body []byte, contentType string) PageKind
}

// Politeness is how hard a site may be asked: the pause between requests
// (jitter is added on top) and the requests in flight at once.
type Politeness struct {
	Delay    time.Duration
	Parallel int
}

// PageKind is what a page turned out to be.
type PageKind string

// Kinds of page an Extractor tells apart.
const (
	PageArticle    PageKind = "article"
	PageList       PageKind = "list"
	PageHomepage   PageKind = "homepage"
	PageErrorPage  PageKind = "error page"
	PageChallenge  PageKind = "challenge"
	PageIncomplete PageKind = "incomplete"
	PageUnknown    PageKind = "unknown"
)

// List is a page of a channel's list.
type List struct {
	URL         string     `json:"url"`
	Channel     string     `json:"channel"`
	ChannelPath string     `json:"channel_path"`
	Page        int        `json:"page"`       // 1-based
	PageCount   int        `json:"page_count"` // from the pager, 1 when absent
	Total       int        `json:"total"`      // records in the channel, 0 when unknown
	Items       []ListItem `json:"items"`
	PageURLs    []string   `json:"page_urls"` // every page of the channel, page 1 first
}

// ListItem is one link of a list page.
type ListItem struct {
	URL   string    `json:"url"` // canonical
	Title string    `json:"title"`
	Date  time.Time `json:"date,omitzero"`
	// Record is what a list service answered of the item, as it came (a
	// JSON object), for the site's ListedParser; absent on list pages.
	Record json.RawMessage `json:"record,omitempty"`
}

// ListService is a Site whose channel lists are answered by a service
// (12309's POST /getFileListByPage) instead of served as pages: the
// crawler sends ListRequests' first request for page n of a channel, and
// the next one when the service refuses a request's form (HTTP 4xx but
// 404, 410 and 429). ListPageURL stays the page's identity in the crawl's
// records, and ParseList reads the answer under it.
type ListService interface {
	ListRequests(channelPath string, n int) []ListRequest
}

// ListRequest is one way to ask a list service for a page: method, URL
// (on the site's host) and body of the given content type.
type ListRequest struct {
	Method      string
	URL         string
	ContentType string
	Body        []byte
}

// ListedParser is an Extractor whose detail pages read best with what the
// list said of them (a service's record: its full date, its text when the
// page holds none): the crawler hands over the item that listed the page.
type ListedParser interface {
	ParseListed(body []byte, pageURL, contentType string, item ListItem) (*Article, error)
}

// AttachedText is a Site some of whose pages hold their text only in the
// files they embed (12309's PDF viewer). TextFiles names, of an article
// just read from its page, the files its text is in (none for most);
// ReadFiles fills the article's text from those the caller could get, by
// URL, and returns a warning naming each that gives none (a scan, a
// damaged file): the article keeps the text its page gave then. The
// crawler fetches the files with the page and archives them as the
// article's media; reextract reads them from the archive.
type AttachedText interface {
	TextFiles(a *Article, page []byte) []string
	ReadFiles(a *Article, files map[string][]byte) []error
}

// ParseRaw reads a stored raw page with its site's parser, with the record
// it was first read with when it has one (RawPage.Listed): reextract and
// repair read what the crawl read.
func ParseRaw(s Site, raw *RawPage) (*Article, error) {
	if lp, ok := s.(ListedParser); ok && len(raw.Listed) > 0 {
		return lp.ParseListed(raw.Body, raw.URL, raw.ContentType, ListItem{URL: raw.URL, Record: raw.Listed})
	}
	return s.ParseArticle(raw.Body, raw.URL, raw.ContentType)
}

// ParseRawFiles is ParseRaw for a site whose pages may hold their text in
// the files they embed (AttachedText), reading them as archived: file
// gives a file's bytes. A page whose text file the archive does not hold
// is an error, so that what was stored of it is kept; a file that gives no
// text is a warning, as in the crawl.
func ParseRawFiles(s Site, raw *RawPage, file func(url string) ([]byte, error)) (*Article, []error, error) {
	a, err := ParseRaw(s, raw)
	if err != nil {
		return nil, nil, err
	}
	at, ok := s.(AttachedText)
	if !ok {
		return a, nil, nil
	}
	files := map[string][]byte{}
	for _, u := range at.TextFiles(a, raw.Body) {
		b, err := file(u)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: its text is in %s, not archived: %w", raw.URL, u, err)
		}
		files[u] = b
	}
	return a, at.ReadFiles(a, files), nil
}
