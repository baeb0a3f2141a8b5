package trs

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sppcrawl"
	"sppcrawl/extract"
)

// Site is one local procuratorate's site of the TRS platform. Build it
// with New; its methods are safe for concurrent use.
type Site struct {
	host, key, name string
	layout          sppcrawl.Layout
	nav             extract.Parser
	pagers          sync.Map     // channel path → pager, learnt from page 1
	ext             atomic.Value // string: the extension of the site's pages (Learn)
}

var _ sppcrawl.Site = (*Site)(nil)

// New is the site at host (www.gd.jcy.gov.cn), named name for people ("":
// the host). A host is refused unless it is a plain DNS name.
func New(host, name string) (*Site, error) {
	h := strings.ToLower(strings.TrimSpace(host))
	if err := checkHost(h); err != nil {
		return nil, fmt.Errorf("site %q: %w", host, err)
	}
	k := KeyOf(h)
	if name == "" {
		name = h
	}
	var alt []string
	if bare, ok := strings.CutPrefix(h, "www."); ok {
		alt = append(alt, bare) // the bare domain serves the same site
	}
	l := sppcrawl.NewLayout(h, k+"-", alt...)
	return &Site{host: h, key: k, name: name, layout: l, nav: extract.Parser{URLs: l}}, nil
}

// checkHost allows what a DNS name of a site may hold: letters, digits,
// hyphens and at least one dot, nothing that would change a URL's meaning.
func checkHost(h string) error {
	if h == "" || len(h) > 253 || !strings.Contains(h, ".") {
		return fmt.Errorf("not a host name (want one like www.gd.jcy.gov.cn)")
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("character %q is not allowed in a host name", r)
		}
	}
	if strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return fmt.Errorf("empty label in host name")
	}
	return nil
}

// KeyOf is the key of the site at host: the host without www. and .gov.cn
// (www.gd.jcy.gov.cn → gd.jcy), the prefix of its ids.
func KeyOf(host string) string { return sppcrawl.SiteKey(host) }

// Key is the host without www. and .gov.cn.
func (s *Site) Key() string { return s.key }

// Name is the site's name for people.
func (s *Site) Name() string { return s.name }

// Host is the canonical host.
func (s *Site) Host() string { return s.host }

// Origin is https:// and the host.
func (s *Site) Origin() string { return s.layout.Origin() }

// CanonicalURL normalises a URL of the site (the bare domain accepted).
func (s *Site) CanonicalURL(raw string) (string, error) { return s.layout.CanonicalURL(raw) }

// ResolveURL resolves a reference found on a page of the site.
func (s *Site) ResolveURL(raw string, base *url.URL) (string, error) {
	return s.layout.ResolveURL(raw, base)
}

// IsArticleURL reports whether a canonical URL has the platform's detail
// shape, /{channel…}/{yyyymm}/t{yyyymmdd}_{id}.s?html.
func (s *Site) IsArticleURL(canonical string) bool { return s.layout.IsArticleURL(canonical) }

// ArticleID is <key>-<docid> of an article URL, or "".
func (s *Site) ArticleID(canonical string) string { return s.layout.ArticleID(canonical) }

// ChannelPath is the channel folder of a page of the site.
func (s *Site) ChannelPath(u string) string { return s.layout.ChannelPath(u) }

// HomeRank ranks the URLs of an article listed in several channels: its
// own channel's first.
func (s *Site) HomeRank(u, channelPath string) int { return s.layout.HomeRank(u, channelPath) }

// Channels is empty: a local site's channels are those of its navigation.
func (s *Site) Channels() []sppcrawl.Channel { return nil }

// ChannelByPath is a channel named after its folder; its name comes from
// its pages.
func (s *Site) ChannelByPath(p string) sppcrawl.Channel {
	return sppcrawl.Channel{Key: channelKey(p), Path: p}
}

func channelKey(p string) string {
	return strings.ReplaceAll(strings.Trim(p, "/"), "/", "-")
}

// HomeURL is the site's root, whose navigation lists its channels.
func (s *Site) HomeURL() string { return s.layout.Origin() + "/" }

// Politeness is two seconds between requests, one in flight: a local
// site is a small server.
func (s *Site) Politeness() sppcrawl.Politeness {
	return sppcrawl.Politeness{Delay: 2 * time.Second, Parallel: 1}
}

// ParseNav lists the channels the navigation links to: folders of the site.
func (s *Site) ParseNav(body []byte, pageURL, contentType string) ([]sppcrawl.Channel, error) {
	utf8Body := decode(body, contentType)
	chans, err := s.nav.ParseNav(utf8Body, pageURL, utf8Type)
	if err == nil {
		s.learnFromLinks(utf8Body, pageURL)
	}
	for i := range chans {
		chans[i].Key = channelKey(chans[i].Path)
	}
	return chans, err
}

// pageExtRE is the extension of any page of the site.
var pageExtRE = regexp.MustCompile(`\.(shtml|html|jhtml)$`)

// learnFromLinks learns the extension of the site's pages from the links
// of a page: the extension most of its article and index links have.
func (s *Site) learnFromLinks(utf8Body []byte, pageURL string) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(utf8Body))
	if err != nil {
		return
	}
	base, _ := url.Parse(pageURL)
	count, other := map[string]int{}, map[string]int{}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		u, err := s.ResolveURL(a.AttrOr("href", ""), base)
		if err != nil {
			return
		}
		if m := extRE.FindStringSubmatch(u); m != nil {
			count[m[1]]++
		} else if m := pageExtRE.FindStringSubmatch(u); m != nil {
			other[m[1]]++
		}
	})
	if len(count) == 0 {
		count = other // no article or index link: the site's other pages
	}
	best := ""
	for e, n := range count {
		if best == "" || n > count[best] || n == count[best] && e < best {
			best = e
		}
	}
	if best != "" {
		s.ext.Store(best)
	}
}
