// Package sites is the registry of the sites sppcrawl archives: each is a
// sppcrawl.Site of a package under site/, named by its key or its host.
// Adding a site is a line here.
package sites

import (
	"errors"
	"fmt"
	"strings"

	"sppcrawl"
	"sppcrawl/site/s12309"
	"sppcrawl/site/spp"
)

// ErrUnknown: no site of the registry has that key or host.
var ErrUnknown = errors.New("unknown site")

// registry is every site built in, the default first, then 12309.
var registry = append([]sppcrawl.Site{spp.Site{}, s12309.Site{}}, locals()...)

// init registers the default as the site of an archive that names none
// (sppcrawl.SetDefaultSite): the archives of earlier releases, which held
// www.spp.gov.cn alone.
func init() { sppcrawl.SetDefaultSite(Default()) }

// All is every site built in, the default (spp) first.
func All() []sppcrawl.Site { return append([]sppcrawl.Site(nil), registry...) }

// Default is the site crawled when none is named: www.spp.gov.cn.
func Default() sppcrawl.Site { return registry[0] }

// Lookup is the site with the given key (spp) or host (www.spp.gov.cn,
// or without its www.), compared without regard to case; another host under .gov.cn is a local
// procuratorate's site of the TRS platform.
func Lookup(key string) (sppcrawl.Site, error) {
	k := strings.ToLower(strings.TrimSpace(key))
	for _, s := range registry {
		if k == s.Key() || k == s.Host() || "www."+k == s.Host() {
			return s, nil
		}
	}
	if s, ok, err := localHost(k); ok {
		return s, err
	}
	keys := make([]string, len(registry))
	for i, s := range registry {
		keys[i] = s.Key()
	}
	return nil, fmt.Errorf("site %q: %w (known: %s)", key, ErrUnknown, strings.Join(keys, ", "))
}
