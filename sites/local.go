package sites

import (
	"fmt"
	"strings"

	"sppcrawl"
	"sppcrawl/site/s12309"
	"sppcrawl/site/spp"
	"sppcrawl/site/trs"
)

// Kinds of site, as `sppcrawl sites` lists them.
const (
	KindSPP   = "spp"            // www.spp.gov.cn
	KindLocal = "local"          // a local procuratorate's site of the TRS platform
	KindCases = "case-documents" // 12309: every procuratorate's case information and legal documents
)

// provincial are the provincial procuratorates' sites of the TRS platform
// that the evidence names (../shared/sites.md): built in, so that their
// keys work with --site. Any other host of the platform is taken as given.
var provincial = []struct{ host, name string }{
	{"www.gd.jcy.gov.cn", "广东省人民检察院"},
	{"www.hbjc.gov.cn", "湖北省人民检察院"},
	{"www.jsjc.gov.cn", "江苏省人民检察院"},
}

// locals builds the built-in local sites; a bad entry is a programming
// error, caught by the tests.
func locals() []sppcrawl.Site {
	out := make([]sppcrawl.Site, 0, len(provincial))
	for _, p := range provincial {
		s, err := trs.New(p.host, p.name)
		if err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}

// Kind is the family of a site: KindSPP, KindCases or KindLocal.
func Kind(s sppcrawl.Site) string {
	switch s.(type) {
	case spp.Site:
		return KindSPP
	case *trs.Site:
		return KindLocal
	case s12309.Site:
		return KindCases
	}
	return "other"
}

// localHost is a local site of the TRS platform at a host the registry
// does not list: any host of China's government domain (.gov.cn), the one
// domain the procuratorates' sites live under.
func localHost(key string) (sppcrawl.Site, bool, error) {
	if !strings.HasSuffix(key, ".gov.cn") {
		return nil, false, nil
	}
	s, err := trs.New(key, "")
	if err != nil {
		return nil, true, fmt.Errorf("site %q: %w", key, err)
	}
	return s, true, nil
}
