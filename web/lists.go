package web

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"sppcrawl"
	"sppcrawl/search"
)

// caseRow is a case of the /cases list.
type caseRow struct {
	sppcrawl.Case
	Index       int // its place among its article's cases (the anchor)
	ArticleID   string
	PublishedAt time.Time
	ChannelPath string
	Withdrawn   bool
}

type keywordCount struct {
	Keyword string
	Count   int
}

// casesData is the /cases page: the guiding cases by number, then the
// typical cases by date, and the keywords to narrow them by.
type casesData struct {
	Keyword  string
	Guiding  []caseRow
	Typical  []caseRow
	Keywords []keywordCount
	Counts   [2]int // of guiding and typical cases in all
	Pager
}

// listPage is how many rows a list page shows of each list.
const listPage = 100

// Pager is a list's place: its page, and the neighbours' links.
type Pager struct {
	Page       int
	Prev, Next string
}

// pageOf reads ?page= (1 when absent), answering 400 when it is no page.
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1<<20 {
		s.fail(w, r, http.StatusBadRequest, "参数 page："+strconv.Quote(clip(v, 20))+" 不是页码（1、2、3……）。")
		return 0, false
	}
	return n, true
}

// window cuts a page of rows out of a list.
func window[T any](rows []T, page int) []T {
	from := min(len(rows), (page-1)*listPage)
	return rows[from:min(len(rows), from+listPage)]
}

// pager links a list page to its neighbours; more says whether a next page
// has rows.
func pager(r *http.Request, page int, more bool) Pager {
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	p := Pager{Page: page}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if more {
		p.Next = link(page + 1)
	}
	return p
}

// caseNumber reads 检例第257号's 257, for ordering.
var caseNumber = regexp.MustCompile(`(\d+)`)

func numberOf(s string) int {
	n, _ := strconv.Atoi(caseNumber.FindString(s))
	return n
}

// allCases reads every case of the archive: the case index walked once per
// generation of the archive, then kept.
func (s *Server) allCases(r *http.Request) ([]caseRow, error) {
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		return nil, err
	}
	return s.caseRows.get(strconv.FormatUint(gen, 10), func() ([]caseRow, error) {
		var rows []caseRow
		err := s.db.ForEachWithCases(r.Context(), 0, func(a *sppcrawl.Article) error {
			for i, c := range a.Cases {
				rows = append(rows, caseRow{Case: c, Index: i, ArticleID: a.ID, PublishedAt: a.PublishedAt,
					ChannelPath: a.ChannelPath, Withdrawn: !a.WithdrawnAt.IsZero()})
			}
			return nil
		})
		return rows, err
	})
}

func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
	pg, ok := s.pageOf(w, r)
	if !ok {
		return
	}
	rows, err := s.allCases(r)
	if err != nil {
		s.archiveError(w, r, "案例", err)
		return
	}
	kw := r.URL.Query().Get("keyword")
	d := casesData{Keyword: kw}
	counts := map[string]int{}
	for _, c := range rows {
		for _, k := range c.Keywords {
			counts[k]++
		}
		if kw != "" && !slices.Contains(c.Keywords, kw) {
			continue
		}
		if c.Number != "" {
			d.Guiding = append(d.Guiding, c)
		} else {
			d.Typical = append(d.Typical, c)
		}
	}
	slices.SortStableFunc(d.Guiding, func(a, b caseRow) int {
		return cmp.Or(numberOf(b.Number)-numberOf(a.Number), b.PublishedAt.Compare(a.PublishedAt))
	})
	slices.SortStableFunc(d.Typical, func(a, b caseRow) int { return b.PublishedAt.Compare(a.PublishedAt) })
	for k, n := range counts {
		d.Keywords = append(d.Keywords, keywordCount{k, n})
	}
	slices.SortFunc(d.Keywords, func(a, b keywordCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Keyword, b.Keyword)) })
	d.Keywords = d.Keywords[:min(len(d.Keywords), 60)]
	d.Counts = [2]int{len(d.Guiding), len(d.Typical)}
	d.Pager = pager(r, pg, pg*listPage < max(len(d.Guiding), len(d.Typical)))
	d.Guiding, d.Typical = window(d.Guiding, pg), window(d.Typical, pg)
	title := "案例"
	if kw != "" {
		title = "关键词：" + kw
	}
	s.render(w, r, http.StatusOK, "cases", page{Title: title, Nav: "cases", Data: d})
}

// docRow is a normative document of the /documents list.
type docRow struct {
	A         *sppcrawl.Article
	Effective time.Time
	Days      int // from today to its 施行日期 (negative: in force since)
}

// documentsData is the /documents page: those taking effect in the coming
// 30 days first, then every other by 施行日期, the latest first.
type documentsData struct {
	Soon, Others []docRow
	Total        int // of the others, in all
	Unavailable  bool
	Pager
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request) {
	pg, ok := s.pageOf(w, r)
	if !ok {
		return
	}
	var d documentsData
	if s.ix == nil {
		d.Unavailable = true
		s.render(w, r, http.StatusOK, "documents", page{Title: "规范性文件", Nav: "documents", Data: d})
		return
	}
	list, err := s.ix.ListKind(r.Context(), "document")
	if err != nil {
		s.archiveError(w, r, "文件列表", err)
		return
	}
	y, m, dd := s.now().In(sppcrawl.CST()).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, sppcrawl.CST())
	// Ordered from what the index knows; only the page shown is read from
	// the archive.
	soon, others, eff := byEffective(list, today)
	d.Total = len(others)
	d.Pager = pager(r, pg, pg*listPage < len(others))
	if pg > 1 {
		soon = nil
	}
	rows := func(ls []search.Listed) []docRow {
		var out []docRow
		for _, l := range ls {
			st, err := s.db.Get(r.Context(), l.ID)
			if err != nil || st.Article.Document == nil {
				continue // indexed, then quarantined or changed: the next catch-up follows
			}
			row := docRow{A: st.Article, Effective: eff[l.ID]}
			if !row.Effective.IsZero() {
				row.Days = int(row.Effective.Sub(today).Hours() / 24)
			}
			out = append(out, row)
		}
		return out
	}
	d.Soon, d.Others = rows(soon), rows(window(others, pg))
	s.render(w, r, http.StatusOK, "documents", page{Title: "规范性文件", Nav: "documents", Data: d})
}

// byEffective splits the documents into those taking effect within 30 days
// of today (soonest first) and the others (latest effective date first,
// then newest), and gives each one's effective date.
func byEffective(list []search.Listed, today time.Time) (soon, others []search.Listed, eff map[string]time.Time) {
	eff = map[string]time.Time{}
	for _, l := range list {
		t, ok := sppcrawl.ParseDate(l.Effective)
		if ok {
			eff[l.ID] = t
		}
		if days := t.Sub(today).Hours() / 24; ok && days >= 0 && days <= 30 {
			soon = append(soon, l)
		} else {
			others = append(others, l)
		}
	}
	slices.SortStableFunc(soon, func(a, b search.Listed) int { return eff[a.ID].Compare(eff[b.ID]) })
	slices.SortStableFunc(others, func(a, b search.Listed) int {
		return cmp.Or(eff[b.ID].Compare(eff[a.ID]), b.PublishedAt.Compare(a.PublishedAt))
	})
	return soon, others, eff
}
