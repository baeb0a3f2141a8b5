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
	return s.caseRows.Get(strconv.FormatUint(gen, 10), func() ([]caseRow, error) {
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
	p := page{Title: "案例", Nav: "cases"}
	rows, err := s.allCases(r)
	if p.skip(err) != nil {
		s.archiveError(w, r, "案例", err)
		return
	}
	kw := r.URL.Query().Get("keyword")
	d := casesData{Keyword: kw, Keywords: keywordCounts(rows)}
	var guiding, typical []caseRow
	for _, c := range rows {
		switch {
		case kw != "" && !slices.Contains(c.Keywords, kw):
		case c.Number != "":
			guiding = append(guiding, c)
		default:
			typical = append(typical, c)
		}
	}
	slices.SortStableFunc(guiding, func(a, b caseRow) int {
		return cmp.Or(numberOf(b.Number)-numberOf(a.Number), b.PublishedAt.Compare(a.PublishedAt))
	})
	slices.SortStableFunc(typical, func(a, b caseRow) int { return b.PublishedAt.Compare(a.PublishedAt) })
	d.Counts = [2]int{len(guiding), len(typical)}
	// One list, the guiding cases first, paged as one.
	all := append(guiding, typical...)
	var lo, hi int
	var ok bool
	if d.Pager, lo, hi, ok = s.numbered(w, r, len(all), listPage); !ok {
		return
	}
	split := min(max(lo, len(guiding)), hi) // where the page's typical cases start
	d.Guiding, d.Typical = all[lo:split], all[split:hi]
	if kw != "" {
		p.Title = "关键词：" + kw
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "cases", p)
}

// keywordCounts are the cases' keywords, the most used first (60 at most).
func keywordCounts(rows []caseRow) []keywordCount {
	counts := map[string]int{}
	for _, c := range rows {
		for _, k := range c.Keywords {
			counts[k]++
		}
	}
	var out []keywordCount
	for k, n := range counts {
		out = append(out, keywordCount{k, n})
	}
	slices.SortFunc(out, func(a, b keywordCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Keyword, b.Keyword)) })
	return out[:min(len(out), 60)]
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
	Unavailable  bool
	Notice       string // why the list cannot be shown now
	Pager
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request) {
	var d documentsData
	if s.ix == nil {
		d.Unavailable = true
		s.render(w, r, http.StatusOK, "documents", page{Title: "规范性文件", Nav: "documents", Data: d})
		return
	}
	if s.ix.Filling() {
		s.filling(w, r, &d.Notice, "documents", page{Title: "规范性文件", Nav: "documents", Data: &d})
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
	var lo, hi int
	var ok bool
	if d.Pager, lo, hi, ok = s.numbered(w, r, len(others), listPage); !ok {
		return
	}
	if d.Pager.Page > 1 {
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
	d.Soon, d.Others = rows(soon), rows(others[lo:hi])
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
