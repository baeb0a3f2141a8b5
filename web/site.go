package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

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
		if counts, err = s.bySite.Get(fmt.Sprint(gen), func() ([]sppcrawl.SiteCount, error) { return sc.CountBySite(ctx) }); err == nil {
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

// credits are the sites the footer of a page not of one article credits:
// those the archive holds articles of, or of them those the request's
// ?site= selects, the default site first; the default site alone when
// the archive names none (empty, or not counting by site). A page of an
// archive of several sites must not credit one of them with all.
func (s *Server) credits(r *http.Request) []sppcrawl.Site {
	sel, err := search.ParseSites(r.URL.Query()["site"]...)
	if err != nil {
		sel = nil // the page says what is wrong with it; the footer credits all
	}
	out := slices.DeleteFunc(s.heldSites(r.Context()), func(site sppcrawl.Site) bool { return !sel.Has(site.Host()) })
	if len(out) == 0 {
		return []sppcrawl.Site{sites.Default()}
	}
	return out
}

// heldSites are the sites the archive holds articles of, the default
// site first (none when it does not count by site).
func (s *Server) heldSites(ctx context.Context) []sppcrawl.Site {
	def := sites.Default()
	var out []sppcrawl.Site
	for _, c := range s.siteCounts(ctx) {
		site, err := sites.Lookup(c.Site)
		switch {
		case err != nil || c.Articles == 0:
		case site.Host() == def.Host():
			out = slices.Insert(out, 0, site)
		default:
			out = append(out, site)
		}
	}
	return out
}

// soleSite is the site of arts when they are all of one (a channel's
// page, which the footer credits to it), nil when none or several.
func soleSite(arts []*sppcrawl.Article) sppcrawl.Site {
	if len(arts) == 0 {
		return nil
	}
	host := arts[0].SiteHost()
	for _, a := range arts[1:] {
		if a.SiteHost() != host {
			return nil
		}
	}
	return sites.OfURL(arts[0].URL)
}
