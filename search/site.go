package search

import (
	"slices"
	"strings"

	"sppcrawl"
)

// Sites is a selection of sites, each named by its key (spp, 12309,
// gd.jcy) or its host (www.spp.gov.cn): what site: in a query, ?site= of
// the API and the feeds, export --site and a push subscription's sites
// select. Empty selects every site. The names are checked, lower case.
type Sites []string

// maxSiteName is the longest name a site may have: a DNS name's length.
const maxSiteName = 253

// ParseSites reads site names, each a key or a host, several in one
// string separated by commas; blanks are left out. A name that can be no
// key or host (a character a DNS name cannot hold) is an ErrQuery naming
// it.
func ParseSites(names ...string) (Sites, error) {
	var out Sites
	for _, s := range names {
		for n := range strings.SplitSeq(s, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" {
				continue
			}
			if err := checkSiteName(n); err != nil {
				return nil, err
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// checkSiteName allows what a key or host holds: letters, digits, hyphens
// and dots, so that a name never changes the meaning of a URL or a query
// it is written back into.
func checkSiteName(n string) error {
	if len(n) > maxSiteName {
		return badQuery("site %q: longer than a host name can be", "站点 %q 太长，不是主机名", sppcrawl.Clip(n, 40))
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return badQuery("site %q: want a key (spp, 12309, gd.jcy) or a host (www.spp.gov.cn; sppcrawl sites lists them)",
				"站点 %q 无效：应为站点代号（spp、12309、gd.jcy）或主机名（www.spp.gov.cn）", sppcrawl.Clip(n, 40))
		}
	}
	return nil
}

// Has says whether the selection holds the site at host: every site when
// it is empty, else a name that is the host, its key, or the host without
// www.
func (s Sites) Has(host string) bool {
	if len(s) == 0 {
		return true
	}
	return slices.ContainsFunc(s, func(n string) bool { return siteNamed(host, n) })
}

// Keeps says whether the selection holds the article's site.
func (s Sites) Keeps(a *sppcrawl.Article) bool { return len(s) == 0 || s.Has(a.SiteHost()) }

// siteNamed says whether name (lower case) names the site at host.
func siteNamed(host, name string) bool {
	host = strings.ToLower(host)
	return name == host || name == sppcrawl.SiteKey(host) || name == strings.TrimPrefix(host, "www.")
}

// String writes the selection back as ParseSites reads it.
func (s Sites) String() string { return strings.Join(s, ",") }
