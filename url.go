package sppcrawl

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
)

// detailPathRE is the shape of an article URL of the TRS platform the
// procuratorates' sites share: …/yyyymm/tyyyymmdd_NNN.shtml.
var detailPathRE = regexp.MustCompile(`/t(\d{8})_(\d+)\.s?html?$`)

// Layout is the URL layout of a site of the TRS platform as data: its
// host, the other hosts that serve it (canonicalised to the host), and the
// prefix of its ids. It satisfies URLs.
type Layout struct {
	host     string
	alt      []string
	idPrefix string
	listings []string // see WithListings
}

var _ URLs = Layout{}

// NewLayout is the layout of the site at host whose article ids are
// idPrefix and the page's document id; alt are hosts that serve the same
// site (a bare domain).
func NewLayout(host, idPrefix string, alt ...string) Layout {
	return Layout{host: strings.ToLower(host), alt: alt, idPrefix: idPrefix}
}

// Host is the canonical host.
func (l Layout) Host() string { return l.host }

// IDPrefix is what the site's ids start with ("spp-").
func (l Layout) IDPrefix() string { return l.idPrefix }

// PagerURL names page n of a channel's pager: prefix.ext first, then
// prefix_2.ext, … (the TRS platform's createPageHTML scheme).
func (l Layout) PagerURL(channelPath, prefix, ext string, n int) string {
	if n <= 1 {
		return l.Origin() + channelPath + prefix + "." + ext
	}
	return fmt.Sprintf("%s%s%s_%d.%s", l.Origin(), channelPath, prefix, n, ext)
}

// Origin is https:// and the host.
func (l Layout) Origin() string { return "https://" + l.host }

// isHost reports whether h (lower case) is the site's host or another of
// its hosts.
func (l Layout) isHost(h string) bool {
	if h == l.host {
		return true
	}
	for _, a := range l.alt {
		if h == a {
			return true
		}
	}
	return false
}

// CanonicalURL is the one normalisation of a page URL: https, the
// canonical host (another of the site's hosts accepted), no fragment, no
// query, a cleaned path. Relative references resolve against the site
// root. Any other host is refused with ErrOffSite.
//
// A URL typed without its scheme (www.spp.gov.cn/spp/…) is one of the site.
func (l Layout) CanonicalURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	low := strings.ToLower(raw)
	for _, h := range append([]string{l.host}, l.alt...) {
		if strings.HasPrefix(low, h+"/") || (h == l.host && low == h) {
			raw = "https://" + raw
			break
		}
	}
	return l.ResolveURL(raw, nil)
}

// ResolveURL is CanonicalURL for a reference found on a page: relative
// references resolve against base (the page's URL; nil: the site root).
func (l Layout) ResolveURL(raw string, base *url.URL) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if base == nil {
		base = &url.URL{Scheme: "https", Host: l.host, Path: "/"}
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", &PageError{URL: raw, Err: offSiteError(l.host), Reason: "scheme " + u.Scheme}
	}
	if !l.isHost(strings.ToLower(u.Hostname())) {
		return "", &PageError{URL: raw, Err: offSiteError(l.host), Reason: "host " + u.Host}
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return l.Origin() + clean, nil
}

// offSiteError is ErrOffSite naming the site's host: "not a
// www.gd.jcy.gov.cn URL".
type offSiteError string

// OffSite is ErrOffSite naming the host of the site a URL is not of: "not
// a www.gd.jcy.gov.cn URL".
func OffSite(host string) error { return offSiteError(host) }

func (e offSiteError) Error() string { return "not a " + string(e) + " URL" }

// Is makes errors.Is(err, ErrOffSite) hold.
func (offSiteError) Is(target error) bool { return target == ErrOffSite }

// IsArticleURL reports whether a canonical URL has the shape of an article
// page (/…/yyyymm/tyyyymmdd_NNN.shtml).
func (Layout) IsArticleURL(canonical string) bool {
	return detailPathRE.MatchString(canonical)
}

// ArticleID is the id prefix and the document id of an article URL, or "".
func (l Layout) ArticleID(u string) string {
	m := detailPathRE.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	return l.idPrefix + m[2]
}

// ChannelPath is the folder a page lives in, minus the yyyymm folder of
// article pages: /spp/jczdal/202608/t…shtml and /spp/jczdal/index_2.shtml
// both give /spp/jczdal/.
func (Layout) ChannelPath(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	dir := path.Dir(pu.Path)
	if detailPathRE.MatchString(pu.Path) && len(path.Base(dir)) == 6 {
		dir = path.Dir(dir)
	}
	if dir == "/" || dir == "." {
		return "/"
	}
	return dir + "/"
}

// DateFromURL is the publication day an article URL of the TRS platform
// carries (t20260805_…).
func DateFromURL(u string) (time.Time, bool) {
	m := detailPathRE.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}, false
	}
	return dateOf(m[1][:4], m[1][4:6], m[1][6:], "", "", "")
}

// onSite reports whether u is a file of the site of the page at pageURL
// (https, its host): sppcrawl archives no other host's images and
// attachments.
func onSite(u, pageURL string) bool {
	pu, err := url.Parse(u)
	page, perr := url.Parse(pageURL)
	return err == nil && perr == nil && pu.Scheme == "https" && pu.Host != "" && strings.EqualFold(pu.Host, page.Host)
}
