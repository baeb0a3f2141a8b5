package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
)

// homeNewest is how many articles of each channel the home page shows;
// recentScan how many of the latest changes it reads for the corrections
// and withdrawals of the week (a backfill's thousands are not read).
const (
	homeNewest = 3
	recentScan = 2000
)

// homeData is the home page: the archive's state, each channel's newest
// articles, and what changed in the last 7 days.
type homeData struct {
	Stats    *publish.Stats
	Warnings []string // in Chinese
	Channels []channelNews
	Changed  []*sppcrawl.Article
	// Sites are the choices of site (none: the archive holds one), and
	// MultiSite whether each article says its site.
	Sites     []siteLink
	MultiSite bool
}

type channelNews struct {
	Path     string
	Name     string
	Count    int
	Articles []*sppcrawl.Article
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := s.stats(r)
	if err != nil {
		s.archiveError(w, r, "档案状态", err)
		return
	}
	sel, err := search.ParseSites(r.URL.Query()["site"]...)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, badRequest(err))
		return
	}
	d := homeData{Stats: st, Warnings: s.warnings(st), Sites: siteLinks("/", st, sel), MultiSite: st.MultiSite()}
	p := page{Title: "首页", Data: &d}
	names := s.channelNames(r)
	for _, c := range st.Channels {
		if c.Articles == 0 || !sel.Has(ledgerSite(st, c.Path)) {
			continue
		}
		arts, err := s.db.LatestInChannel(ctx, c.Path, homeNewest, keepSites(sel))
		if p.skip(err) != nil {
			s.archiveError(w, r, "频道 "+c.Path, err)
			return
		}
		d.Channels = append(d.Channels, channelNews{Path: c.Path, Name: names(c.Path), Count: c.Articles, Articles: arts})
	}
	// The table's channels first, in its order, then the others by size.
	slices.SortStableFunc(d.Channels, func(a, b channelNews) int {
		return cmp.Or(cmp.Compare(tableOrder(a.Path), tableOrder(b.Path)), b.Count-a.Count)
	})
	if d.Changed, err = s.changedThisWeek(r); p.skip(err) != nil {
		s.archiveError(w, r, "最近的更改", err)
		return
	}
	d.Changed = slices.DeleteFunc(slices.Clone(d.Changed), func(a *sppcrawl.Article) bool { return !sel.Keeps(a) })
	s.render(w, r, http.StatusOK, "home", p)
}

// ledgerSite is the host of the site of the channel at path, as the
// stats name it ("" when they cannot).
func ledgerSite(st *publish.Stats, path string) string {
	for _, r := range st.Ledger {
		if r.Path == path {
			return r.Site
		}
	}
	return ""
}

// keepSites is a filter of the articles of the sites selected, nil (every
// article) when none is.
func keepSites(sel search.Sites) func(*sppcrawl.Article) bool {
	if len(sel) == 0 {
		return nil
	}
	return sel.Keeps
}

// changedThisWeek is what was corrected or withdrawn in the last 7 days.
// It reads up to recentScan of the latest changes, so it is kept for the
// archive's generation (and the hour: the week moves on).
func (s *Server) changedThisWeek(r *http.Request) ([]*sppcrawl.Article, error) {
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.now()
	return s.recent.Get(fmt.Sprintf("%d/%s", gen, now.Format("2006010215")), func() ([]*sppcrawl.Article, error) {
		week := now.Add(-7 * 24 * time.Hour)
		return s.db.Recent(r.Context(), week, 50, recentScan, func(a *sppcrawl.Article) bool {
			return a.Version > 1 && !a.UpdatedAt.Before(week) || !a.WithdrawnAt.IsZero() && !a.WithdrawnAt.Before(week)
		})
	})
}

// tableOrder is a channel's place in the built-in table, after it if not.
func tableOrder(path string) int {
	table := sites.Default().Channels()
	for i, c := range table {
		if c.Path == path {
			return i
		}
	}
	return len(table)
}

// stats gathers the archive's state, with the search index's.
func (s *Server) stats(r *http.Request) (*publish.Stats, error) {
	st, err := publish.GatherStats(r.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	if s.ix != nil {
		if err := st.AddIndex(r.Context(), s.ix, s.db); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (s *Server) channels(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.archiveError(w, r, "档案状态", err)
		return
	}
	d := struct {
		Stats    *publish.Stats
		Warnings []string
	}{named(st, s.channelNames(r)), s.warnings(st)}
	s.render(w, r, http.StatusOK, "channels", page{Title: "频道", Nav: "channels", Data: d})
}

// named is st with each channel of its ledger that no crawl has named yet
// (a site's channel only its navigation names) named by names; st, which
// others share, is left as it is.
func named(st *publish.Stats, names func(path string) string) *publish.Stats {
	cp := *st
	cp.Ledger = slices.Clone(st.Ledger)
	for i, c := range cp.Ledger {
		cp.Ledger[i].Name = cmp.Or(c.Name, names(c.Path))
	}
	return &cp
}

// gapsData is a channel's gaps: URLs listed and never stored.
type gapsData struct {
	Channel sppcrawl.Channel
	Gaps    []sppcrawl.Gap
	Pager
}

func (s *Server) gaps(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.channelOf(w, r, r.PathValue("key"))
	if !ok {
		return
	}
	g, err := s.db.Gaps(r.Context(), ch.Path)
	if err != nil {
		s.archiveError(w, r, "缺口", err)
		return
	}
	p, lo, hi, ok := s.numbered(w, r, len(g), listPage)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "gaps", page{Title: ch.Name + " · 缺口", Nav: "channels", Data: gapsData{ch, g[lo:hi], p}})
}

// channelNames names a channel by its path: as its site's navigation
// names it (see channelTable), the table, else its folder's key.
func (s *Server) channelNames(r *http.Request) func(path string) string {
	table, _ := s.channelTable(r.Context())
	byPath := namesByPath(table)
	return func(path string) string {
		c := sites.ChannelByPath(path)
		return cmp.Or(byPath[path], c.Name, c.Key)
	}
}

// namesByPath names each path by the first channel of table to name it.
func namesByPath(table []sppcrawl.Channel) map[string]string {
	byPath := map[string]string{}
	for _, c := range table {
		if byPath[c.Path] == "" {
			byPath[c.Path] = c.Name
		}
	}
	return byPath
}

// channelTable is every channel the archive's sites name: each held
// site's site map (its table's channels, then its navigation's), the
// default site's first, then the built-in tables.
func (s *Server) channelTable(ctx context.Context) ([]sppcrawl.Channel, error) {
	var out []sppcrawl.Channel
	held := s.heldSites(ctx)
	if !slices.ContainsFunc(held, func(site sppcrawl.Site) bool { return site.Host() == sites.Default().Host() }) {
		held = slices.Insert(held, 0, sites.Default())
	}
	for _, site := range held {
		m, err := s.siteMapOf(ctx, site)
		if err != nil {
			return nil, fmt.Errorf("read the site map of %s: %w", site.Host(), err)
		}
		out = append(out, m.AllOf(site.Channels())...)
	}
	return append(out, sites.Tables()...), nil
}

// siteMapOf is what site's navigation listed when last read: the
// archive's own for the default site, its site's records for another.
func (s *Server) siteMapOf(ctx context.Context, site sppcrawl.Site) (sppcrawl.SiteMap, error) {
	if sc, ok := s.db.(sppcrawl.SiteScoper); ok && site.Host() != sites.Default().Host() {
		return sc.ForSite(site).SiteMap(ctx)
	}
	return s.db.SiteMap(ctx)
}

// channelOf resolves a channel key, name or folder, answering 404 when
// the archive knows no such channel.
func (s *Server) channelOf(w http.ResponseWriter, r *http.Request, name string) (sppcrawl.Channel, bool) {
	table, err := s.channelTable(r.Context())
	if err != nil {
		s.archiveError(w, r, "频道表", err)
		return sppcrawl.Channel{}, false
	}
	chs, err := sites.SelectChannels(sites.Default(), name, table...)
	if err != nil || len(chs) != 1 {
		s.fail(w, r, http.StatusNotFound, "没有这个频道："+sppcrawl.Clip(name, 60))
		return sppcrawl.Channel{}, false
	}
	ch := chs[0]
	ch.Name = cmp.Or(ch.Name, namesByPath(table)[ch.Path]) // named by its folder: the site's map names it
	return ch, true
}
