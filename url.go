package sppcrawl

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
)

// Host is the site's canonical host; every stored URL uses it over https.
const Host = "www.spp.gov.cn"

// Origin is the canonical scheme and host, without a trailing slash.
const Origin = "https://" + Host

// detailPathRE is the shape of an article URL: …/yyyymm/tyyyymmdd_NNN.shtml.
var detailPathRE = regexp.MustCompile(`/t(\d{8})_(\d+)\.s?html?$`)

// CanonicalURL is the one normalisation every package uses for a page URL:
// https, host www.spp.gov.cn (bare spp.gov.cn accepted), no fragment, no query,
// a cleaned path. Relative references resolve against the site root. Any other
// host is refused with ErrOffSite.
//
// A URL typed without its scheme (www.spp.gov.cn/spp/…) is one of the site.
func CanonicalURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if l := strings.ToLower(raw); strings.HasPrefix(l, Host+"/") || strings.HasPrefix(l, "spp.gov.cn/") || l == Host {
		raw = "https://" + raw
	}
	return ResolveURL(raw, nil)
}

// ResolveURL is CanonicalURL for a reference found on a page: relative
// references resolve against base (the page's URL; nil: the site root).
func ResolveURL(raw string, base *url.URL) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if base == nil {
		base = &url.URL{Scheme: "https", Host: Host, Path: "/"}
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", &PageError{URL: raw, Err: ErrOffSite, Reason: "scheme " + u.Scheme}
	}
	h := strings.ToLower(u.Hostname())
	if h != Host && h != "spp.gov.cn" {
		return "", &PageError{URL: raw, Err: ErrOffSite, Reason: "host " + u.Host}
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return Origin + clean, nil
}

// IsDetailURL reports whether a canonical URL has the shape of an article page
// (/…/yyyymm/tyyyymmdd_NNN.shtml).
func IsDetailURL(canonical string) bool {
	return detailPathRE.MatchString(canonical)
}

// IDFromURL returns spp-<manuscriptId> from an article URL, or "".
func IDFromURL(u string) string {
	m := detailPathRE.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	return "spp-" + m[2]
}

// DateFromURL is the publication day an article URL carries (t20260805_…).
func DateFromURL(u string) (time.Time, bool) {
	m := detailPathRE.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}, false
	}
	return dateOf(m[1][:4], m[1][4:6], m[1][6:], "", "", "")
}

// ChannelPathFromURL is the folder a page lives in, minus the yyyymm folder of
// article pages: /spp/jczdal/202608/t…shtml and /spp/jczdal/index_2.shtml both
// give /spp/jczdal/.
func ChannelPathFromURL(u string) string {
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

// onSite reports whether u is a file of the site itself (https, its host):
// sppcrawl archives no other host's images and attachments.
func onSite(u string) bool {
	pu, err := url.Parse(u)
	return err == nil && pu.Scheme == "https" && strings.EqualFold(pu.Host, Host)
}
