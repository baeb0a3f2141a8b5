package publish

import (
	"cmp"
	"context"
	"slices"
	"sppcrawl/sites"
	"strings"
	"time"

	"sppcrawl"
)

// SiteReport is one site of the archive: its articles, and its channels
// with how many of them need an operator.
type SiteReport struct {
	Site     string `json:"site"` // the host
	Key      string `json:"key"`
	Articles int    `json:"articles"`
	Channels int    `json:"channels"`
	// Unhealthy are its channels whose last run found them other than ok,
	// or drifting.
	Unhealthy int `json:"unhealthy"`
	// Status is, in /healthz, ok or degraded (an unhealthy channel).
	Status string `json:"status,omitempty"`
}

// siteRow is a channel as the sites are added up from: its site's host
// when its records name it, its newest article's id, whether it is
// unhealthy.
type siteRow struct {
	site, newestID string
	unhealthy      bool
}

// countSites is the archive's articles by site, when it counts them (a
// SiteCounter); nil when it does not.
func countSites(ctx context.Context, db Reader) ([]sppcrawl.SiteCount, error) {
	sc, ok := db.(sppcrawl.SiteCounter)
	if !ok {
		return nil, nil
	}
	return sc.CountBySite(ctx)
}

// siteReports adds up the sites of counts and rows, naming the site of a
// row that has none: that of its newest article's id, else the archive's
// one site when it holds one.
func siteReports(counts []sppcrawl.SiteCount, rows []*siteRow) []SiteReport {
	byKey := map[string]*SiteReport{}
	site := func(host, key string) *SiteReport {
		key = cmp.Or(key, sppcrawl.SiteKey(host))
		if byKey[key] == nil {
			byKey[key] = &SiteReport{Site: cmp.Or(host, key), Key: key}
		}
		return byKey[key]
	}
	for _, c := range counts {
		site(c.Site, c.Key).Articles = c.Articles
	}
	for _, r := range rows {
		if sr := byKey[sppcrawl.IDKey(r.newestID)]; r.site == "" && r.newestID != "" && sr != nil {
			r.site = sr.Site
		}
		if r.site == "" && len(counts) == 1 {
			r.site = counts[0].Site
		}
		if r.site == "" {
			continue
		}
		sr := site(r.site, "")
		sr.Channels++
		if r.unhealthy {
			sr.Unhealthy++
		}
	}
	out := make([]SiteReport, 0, len(byKey))
	for _, sr := range byKey {
		out = append(out, *sr)
	}
	slices.SortFunc(out, func(a, b SiteReport) int { return strings.Compare(a.Site, b.Site) })
	return out
}

// stateSite is the host of a channel's site as its records name it (an
// archive before sites were kept: that of the article URLs its last run
// saw), "" when they name none.
func stateSite(st sppcrawl.ChannelState) string {
	return cmp.Or(st.Site, sppcrawl.URLHost(st.NewestURL), sppcrawl.URLHost(st.CompleteURL))
}

// idSite is the host of the site an article id is of (its key's), "" when
// no site has that key.
func idSite(id string) string {
	if id == "" {
		return ""
	}
	if s, err := sites.Lookup(sppcrawl.IDKey(id)); err == nil {
		return s.Host()
	}
	return ""
}

// unhealthy says whether a channel needs an operator: a health other than
// ok, or drift.
func unhealthy(h sppcrawl.Health, drift []string) bool {
	return h != "" && h != sppcrawl.HealthOK || len(drift) > 0
}

// addSites names each ledger row's site and adds up the sites; a row's
// problems count as warnable says (as the warnings' do).
func (s *Stats) addSites(ctx context.Context, db Reader, states []sppcrawl.ChannelState, warns func(string, time.Time) bool) error {
	counts, err := countSites(ctx, db)
	if err != nil {
		return err
	}
	fromState := map[string]string{}
	for _, st := range states {
		fromState[st.Path] = stateSite(st)
	}
	rows := make([]*siteRow, len(s.Ledger))
	for i, r := range s.Ledger {
		rows[i] = &siteRow{site: cmp.Or(r.Site, fromState[r.Path]), newestID: r.NewestID, unhealthy: unhealthy(r.Health, r.Drift) && warns(r.Path, r.LastRun)}
	}
	s.Sites = siteReports(counts, rows)
	for i := range s.Ledger {
		s.Ledger[i].Site = rows[i].site
	}
	return nil
}

// siteHealth is /healthz's sites: each one's articles, and degraded while
// one of its channels is unhealthy (and counts, as the warnings say).
func siteHealth(counts []sppcrawl.SiteCount, states []sppcrawl.ChannelState, warns func(string, time.Time) bool) []SiteReport {
	rows := make([]*siteRow, len(states))
	for i, st := range states {
		rows[i] = &siteRow{site: stateSite(st), unhealthy: unhealthy(st.Health, st.Drift) && warns(st.Path, st.LastRun)}
	}
	out := siteReports(counts, rows)
	for i := range out {
		out[i].Status = "ok"
		if out[i].Unhealthy > 0 {
			out[i].Status = "degraded"
		}
	}
	return out
}

// MultiSite says whether the archive holds more than one site: the text
// of stats and the pages name sites only then.
func (s *Stats) MultiSite() bool { return len(s.Sites) > 1 }
