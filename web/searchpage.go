package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
)

// searchData is the search page: the form, and the results of a query or
// a channel's list by date.
type searchData struct {
	Req     search.Request
	Options map[string][]option // the form's choices, the request's selected
	Error   string
	Res     *search.Result
	Hits    []hitView
	Facets  []facetView
	Pager   Pager
	CSV     string // the whole result set as files
	JSONL   string
	Browse  *browseView // a channel by date, without a query
	Wider   *widerView  // nothing found: the query without its filters
	// MultiSite: the archive holds several sites, the form chooses one and
	// each result says its site.
	MultiSite bool
}

type option struct {
	Value, Label string
	Selected     bool
}

// formOptions are the choices of the search form, with the request's
// selected.
func formOptions(req search.Request, channels []sppcrawl.ChannelCount, name func(path string) string) map[string][]option {
	one := func(list []string) string {
		if len(list) == 1 {
			return list[0]
		}
		return ""
	}
	mk := func(cur string, pairs ...string) []option {
		var out []option
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, option{pairs[i], pairs[i+1], pairs[i] == cur})
		}
		return out
	}
	ch := []string{"", "全部频道"}
	for _, c := range channels {
		k := sites.ChannelByPath(c.Path)
		ch = append(ch, cmp.Or(k.Key, c.Path), fmt.Sprintf("%s（%d）", name(c.Path), c.Articles))
	}
	cur := one(req.Channels)
	if c := sites.ChannelByPath(cur); c.Key != "" {
		cur = c.Key
	}
	return map[string][]option{
		"channel":   mk(cur, ch...),
		"kind":      mk(one(req.Kinds), "", "全部类型", "article", "文章", "case", "案例", "document", "规范性文件"),
		"withdrawn": mk(req.Withdrawn, "", "不含已撤下", "include", "包含已撤下", "only", "只看已撤下"),
		"sort":      mk(req.Sort, "", "最新在前", "oldest", "最早在前", "relevance", "相关度"),
		"versions":  mk(req.Versions, "", "当前版本", "all", "含更正前的版本"),
	}
}

type hitView struct {
	search.Hit
	Heading  template.HTML // the title, its matches marked
	Snippets []template.HTML
}

type facetView struct {
	Name   string
	Values []facetLink
}

type facetLink struct {
	Label string
	Count int
	URL   string
	On    bool
}

type browseView struct {
	Channel  sppcrawl.Channel
	Articles []*sppcrawl.Article
	Pager    Pager
}

// browsePage is how many articles a channel's list shows at a time.
const browsePage = 30

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := search.ParseRequest(r.URL.Query())
	d := searchData{Req: req}
	channels, _ := s.db.CountByChannel(r.Context())
	names := s.channelNames(r)
	d.Options = formOptions(req, channels, names)
	if opts := siteOptions(req, s.siteCounts(r.Context())); opts != nil {
		d.Options["site"], d.MultiSite = opts, true
	}
	p := page{Title: "搜索", Nav: "search", Query: req.Query, Data: &d, OwnSearch: true}
	cp, pageOK := readCursorPage(r.URL.Query(), cmp.Or(req.Cursor, r.URL.Query().Get("before")))
	switch {
	case !pageOK:
		d.Error = "翻页参数 page 或 back 无效：请从第一页重新搜索。"
		s.render(w, r, http.StatusBadRequest, "search", p)
		return
	case err != nil:
		d.Error = badRequest(err)
		s.render(w, r, http.StatusBadRequest, "search", p)
		return
	case req.Query == "" && len(req.Channels) == 1:
		s.browse(w, r, &d, p, cp)
		return
	case req.Query == "":
		s.render(w, r, http.StatusOK, "search", p)
		return
	case s.ix == nil:
		d.Error = "搜索不可用：服务器没有搜索索引（sppcrawl index 可建立）。"
		s.render(w, r, http.StatusServiceUnavailable, "search", p)
		return
	case s.ix.Filling():
		s.filling(w, r, &d.Error, "search", p)
		return
	}
	s.results(w, r, req, &d, p, cp, names)
}

// results answers a query: a page of results, or why there is none.
func (s *Server) results(w http.ResponseWriter, r *http.Request, req search.Request, d *searchData, p page, cp cursorPage, names func(string) string) {
	if _, ferr := s.db.Damage(); ferr != nil {
		// The results would miss what the damaged pages hold, and look
		// whole: the page says what the API says (500).
		s.archiveError(w, r, "搜索", ferr)
		return
	}
	p.Title = req.Query + " · 搜索"
	req.Facets = []string{"channel", "site", "year", "kind"}
	res, err := s.ix.Search(r.Context(), s.db, req)
	if err != nil {
		s.searchFailed(w, r, d, p, err)
		return
	}
	first := req
	first.Cursor, first.Facets = "", nil
	if len(res.Results) == 0 && cp.Page > 1 {
		s.pastEnd(w, r, cp.Page, (res.Total+limitOf(req)-1)/limitOf(req), "/search?"+first.Values().Encode())
		return
	}
	if s.jumped(w, r, cp, res.Total, limitOf(req), "/search?"+first.Values().Encode()) {
		return
	}
	p.Skipped += d.setResult(req, res, cp)
	d.Facets = facetLinks(req, res, names)
	if res.Total == 0 {
		d.Wider = s.wider(r.Context(), req)
	}
	s.render(w, r, http.StatusOK, "search", p)
}

// widerView is the same query without its channel, date, kind and has
// filters, offered when those found nothing.
type widerView struct {
	URL   string
	Total int
}

// wider counts the query without the filters that narrow it, nil when
// there are none or that finds nothing either: a search that found
// nothing shows where its words do occur.
func (s *Server) wider(ctx context.Context, req search.Request) *widerView {
	narrowed := len(req.Channels)+len(req.Kinds)+len(req.Has) > 0 || req.From+req.To+req.EffectiveFrom+req.EffectiveTo != ""
	if !narrowed {
		return nil
	}
	all := search.Request{Query: req.Query, Withdrawn: req.Withdrawn, Versions: req.Versions, Sort: req.Sort, Limit: 1}
	res, err := s.ix.Search(ctx, s.db, all)
	if err != nil || res.Total == 0 {
		return nil
	}
	all.Limit = 0
	return &widerView{URL: "/search?" + all.Values().Encode(), Total: res.Total}
}

// badRequest is why a search cannot run, for the page: in Chinese, as the
// search says it (its English is for the command line and the API).
func badRequest(err error) string {
	if qe, ok := errors.AsType[*search.QueryError](err); ok {
		return "查询有误：" + qe.Chinese()
	}
	return err.Error()
}

// setResult puts a page of results on the page: hits with their marked
// snippets, facet links, the next page's link and the whole result set's
// downloads.
func (d *searchData) setResult(req search.Request, res *search.Result, cp cursorPage) (skipped int) {
	d.Res = res
	for _, h := range res.Results {
		if h.Article == nil {
			skipped++ // indexed, and the archive cannot read it
			continue
		}
		hv := hitView{Hit: h, Heading: template.HTML(template.HTMLEscapeString(h.Title))}
		title, rest, ok := h.TitleMarked()
		if ok {
			hv.Heading = template.HTML(title.HTML) // escaped by search, <mark> its own
		}
		for _, sn := range rest {
			hv.Snippets = append(hv.Snippets, template.HTML(sn.HTML)) // escaped by search, <mark> its own
		}
		d.Hits = append(d.Hits, hv)
	}
	d.Pager = cp.pager(len(res.Results), limitOf(req), res.Total, res.NextCursor, func(cursor string, page int, back []string) string {
		n := req
		n.Cursor, n.Facets = cursor, nil
		return "/search?" + pageValues(n.Values(), page, back).Encode()
	})
	all := req
	all.Cursor, all.Limit, all.Facets = "", 0, nil
	d.CSV = "/api/search?" + withFormat(all.Values(), "csv")
	d.JSONL = "/api/search?" + withFormat(all.Values(), "jsonl")
	return skipped
}

func withFormat(v url.Values, f string) string {
	v.Set("format", f)
	return v.Encode()
}

// facetLinks turns the facets into links that narrow the search: a channel,
// a year (as a date range), a kind.
func facetLinks(req search.Request, res *search.Result, name func(path string) string) []facetView {
	narrow := func(f func(*search.Request)) string {
		n := req
		n.Cursor, n.Facets = "", nil
		f(&n)
		return "/search?" + n.Values().Encode()
	}
	kindNames := map[string]string{"article": "文章", "case": "案例", "document": "规范性文件"}
	var out []facetView
	for _, f := range []struct{ key, name string }{{"channel", "频道"}, {"site", "站点"}, {"year", "年份"}, {"kind", "类型"}} {
		fv := facetView{Name: f.name}
		if f.key == "site" && len(res.Facets[f.key]) < 2 {
			continue // one site: nothing to narrow
		}
		for _, v := range res.Facets[f.key] {
			l := facetLink{Label: v.Value, Count: v.Count}
			switch f.key {
			case "channel":
				l.Label = name(v.Value)
				key := sites.ChannelByPath(v.Value).Key
				l.On = len(req.Channels) == 1 && (req.Channels[0] == key || req.Channels[0] == v.Value)
				l.URL = narrow(func(n *search.Request) { n.Channels = []string{v.Value} })
			case "site":
				l.Label = siteName(v.Value)
				l.On = len(req.Sites) == 1 && siteSelected(req.Sites[0], v.Value)
				l.URL = narrow(func(n *search.Request) { n.Sites = []string{v.Name} })
			case "year":
				l.On = req.From == v.Value && req.To == v.Value
				l.URL = narrow(func(n *search.Request) { n.From, n.To = v.Value, v.Value })
			case "kind":
				l.Label = kindNames[v.Value]
				l.On = len(req.Kinds) == 1 && req.Kinds[0] == v.Value
				l.URL = narrow(func(n *search.Request) { n.Kinds = []string{v.Value} })
			}
			fv.Values = append(fv.Values, l)
		}
		if len(fv.Values) > 0 {
			out = append(out, fv)
		}
	}
	return out
}

// browse lists a channel's articles newest first, a page at a time (before
// the publication time of the last one shown).
func (s *Server) browse(w http.ResponseWriter, r *http.Request, d *searchData, p page, cp cursorPage) {
	ch, ok := s.channelOf(w, r, d.Req.Channels[0])
	if !ok {
		return
	}
	var before time.Time
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			d.Error = "参数 before：「" + sppcrawl.Clip(b, 20) + "」不是时间。"
			s.render(w, r, http.StatusBadRequest, "search", p)
			return
		}
		before = time.Unix(n, 0)
	}
	arts, err := s.db.ChannelPage(r.Context(), ch.Path, before, browsePage, nil)
	if p.skip(err) != nil {
		s.archiveError(w, r, "频道 "+ch.Name, err)
		return
	}
	total := s.channelCount(r, ch.Path)
	link := func(before string, page int, back []string) string {
		v := url.Values{"channel": {ch.Key}}
		if before != "" {
			v.Set("before", before)
		}
		return "/search?" + pageValues(v, page, back).Encode()
	}
	if len(arts) == 0 && cp.Page > 1 {
		s.pastEnd(w, r, cp.Page, (total+browsePage-1)/browsePage, link("", 1, nil))
		return
	}
	if s.jumped(w, r, cp, total, browsePage, link("", 1, nil)) {
		return
	}
	next := ""
	if len(arts) == browsePage {
		next = strconv.FormatInt(arts[len(arts)-1].PublishedAt.Unix(), 10)
	}
	d.Browse = &browseView{Channel: ch, Articles: arts, Pager: cp.pager(len(arts), browsePage, total, next, link)}
	p.Source = soleSite(arts)
	p.Title, p.Nav = ch.Name, "channels"
	s.render(w, r, http.StatusOK, "search", p)
}

// channelCount is how many articles the archive holds in a channel.
func (s *Server) channelCount(r *http.Request, path string) int {
	counts, _ := s.db.CountByChannel(r.Context())
	for _, c := range counts {
		if c.Path == path {
			return c.Articles
		}
	}
	return 0
}

// pageValues adds a cursor page's number and back-stack to v (the first
// page has neither).
func pageValues(v url.Values, page int, back []string) url.Values {
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(back) > 0 {
		v.Set("back", strings.Join(back, "."))
	}
	return v
}

// limitOf is a request's page size.
func limitOf(req search.Request) int {
	return cmp.Or(req.Limit, 20)
}

// filling answers a page that needs the search index while it is being
// made (search.Index.Filling): 503 with Retry-After and a notice, never a
// list that looks whole.
func (s *Server) filling(w http.ResponseWriter, r *http.Request, notice *string, name string, p page) {
	*notice = "索引重建中：搜索索引正在根据档案重新建立，结果暂不完整，请稍后再试。"
	w.Header().Set("Retry-After", strconv.Itoa(publish.RetryFilling))
	s.render(w, r, http.StatusServiceUnavailable, name, p)
}

// searchFailed answers a search that failed, with the status
// publish.FaultOf maps its error to: the search page saying why for a bad
// query, one that ran out of time or an index being made again; else as
// any error of the archive.
func (s *Server) searchFailed(w http.ResponseWriter, r *http.Request, d *searchData, p page, err error) {
	f := publish.FaultOf(err)
	switch f {
	case publish.FaultRequest:
		d.Error = badRequest(err)
	case publish.FaultTimeout:
		d.Error = "查询超时：请加上频道或日期范围，或用更长的词。"
	case publish.FaultRebuilding:
		s.log.Warn("search on a damaged index", "err", err)
		d.Error = "搜索索引损坏，正在根据档案重建，请稍后再试。"
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter()))
	default:
		s.archiveError(w, r, "搜索", err)
		return
	}
	s.render(w, r, f.Status(), "search", p)
}
