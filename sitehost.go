package sppcrawl

import (
	"net/url"
	"strings"
)

// SiteHost is the host of the site the article is from: its Site, or for
// an article that leaves Site empty (www.spp.gov.cn's, whose export rows
// never carried the field) the host of its canonical URL.
func (a *Article) SiteHost() string {
	if a.Site != "" {
		return strings.ToLower(a.Site)
	}
	u, err := url.Parse(a.URL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// SiteKey is the key of the site at host, the prefix of its ids: the host
// without www. and .gov.cn (www.spp.gov.cn → spp, www.gd.jcy.gov.cn →
// gd.jcy).
func SiteKey(host string) string {
	k := strings.TrimPrefix(strings.ToLower(host), "www.")
	return strings.TrimSuffix(k, ".gov.cn")
}
