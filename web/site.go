package web

import (
	"context"
	"fmt"
	"net/url"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
)

// siteName is a site's name for people: the registry's (广东省人民检察院),
// else its host.
func siteName(host string) string {
	if s, err := sites.Lookup(host); err == nil && s.Name() != s.Host() {
		return s.Name()
	}
	return host
}

// articleSite is the name of the site an article is from.
func articleSite(a *sppcrawl.Article) string { return siteName(a.SiteHost()) }

// siteLink is one choice of the sites a page shows: all of them, or one.
type siteLink struct {
	Label string
	URL   string
	On    bool
}

// siteLinks are the choices of a page at path among the archive's sites,
// the selection's on; none when the archive holds one site.
func siteLinks(path string, st *publish.Stats, sel search.Sites) []siteLink {
	if !st.MultiSite() {
		return nil
	}
	out := []siteLink{{Label: allSites, URL: path, On: len(sel) == 0}}
	for _, sr := range st.Sites {
		out = append(out, siteLink{
			Label: fmt.Sprintf("%s（%d）", siteName(sr.Site), sr.Articles),
			URL:   path + "?" + url.Values{"site": {sr.Key}}.Encode(),
			On:    len(sel) == 1 && sel.Has(sr.Site),
		})
	}
	return out
}

// siteCounts are the archive's articles by site, when it counts them:
// kept for the archive's generation, since counting reads every id and
// every search page shows them.
func (s *Server) siteCounts(ctx context.Context) []sppcrawl.SiteCount {
	sc, ok := s.db.(sppcrawl.SiteCounter)
	if !ok {
		return nil
	}
	gen, err := s.db.Generation(ctx)
	if err == nil {
		var counts []sppcrawl.SiteCount
		if counts, err = s.bySite.get(fmt.Sprint(gen), func() ([]sppcrawl.SiteCount, error) { return sc.CountBySite(ctx) }); err == nil {
			return counts
		}
	}
	s.log.Warn("count the articles by site", "err", err)
	return nil
}

// siteOptions are the search form's choices of site, the request's
// selected; none when the archive holds one site.
func siteOptions(req search.Request, counts []sppcrawl.SiteCount) []option {
	if len(counts) < 2 {
		return nil
	}
	sel, _ := search.ParseSites(req.Sites...)
	out := []option{{Value: "", Label: allSites, Selected: len(sel) == 0}}
	for _, c := range counts {
		out = append(out, option{Value: c.Key, Label: fmt.Sprintf("%s（%d）", siteName(c.Site), c.Articles), Selected: len(sel) == 1 && sel.Has(c.Site)})
	}
	return out
}

// siteSelected says whether name (as a request gave it) selects the site
// at host.
func siteSelected(name, host string) bool {
	sel, err := search.ParseSites(name)
	return err == nil && len(sel) == 1 && sel.Has(host)
}
