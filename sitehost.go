package sppcrawl

import (
	"context"
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
	return URLHost(a.URL)
}

// URLHost is the host of a URL, lower-case; "" when it has none.
func URLHost(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// SiteKey is the key of the site at host, the prefix of its ids: the host
// without www. and .gov.cn (www.spp.gov.cn → spp, www.gd.jcy.gov.cn →
// gd.jcy).
func SiteKey(host string) string {
	k := strings.TrimPrefix(strings.ToLower(host), "www.")
	return strings.TrimSuffix(k, ".gov.cn")
}

// SiteCount is how many articles the archive holds of one site.
type SiteCount struct {
	Site     string `json:"site"` // the host; the key when no article of it reads
	Key      string `json:"key"`  // the prefix of its ids
	Articles int    `json:"articles"`
}

// SiteCounter is an archive that counts its articles by site (the prefix
// of their ids), without reading them: stats, /healthz and /metrics say
// it per site when the archive has it (store and postgres do).
type SiteCounter interface {
	CountBySite(ctx context.Context) ([]SiteCount, error)
}

// IDKey is the site key an article id starts with: spp of spp-1234567,
// gd.jcy of gd.jcy-7770799.
func IDKey(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return ""
}
