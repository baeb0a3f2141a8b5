package web

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"sppcrawl"
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
	s.casesMu.Lock()
	defer s.casesMu.Unlock()
	if s.casesGen == gen && s.casesList != nil {
		return s.casesList, nil
	}
	var rows []caseRow
	err = s.db.ForEachWithCases(r.Context(), 0, func(a *sppcrawl.Article) error {
		for i, c := range a.Cases {
			rows = append(rows, caseRow{Case: c, Index: i, ArticleID: a.ID, PublishedAt: a.PublishedAt,
				ChannelPath: a.ChannelPath, Withdrawn: !a.WithdrawnAt.IsZero()})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.casesGen, s.casesList = gen, rows
	return rows, nil
}

type casesCache struct {
	casesMu   sync.Mutex
	casesGen  uint64
	casesList []caseRow
}

func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
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
	Unavailable  bool
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request) {
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
	for _, l := range list {
		st, err := s.db.Get(r.Context(), l.ID)
		if err != nil {
			continue // indexed, then quarantined: the index says what it knew
		}
		row := docRow{A: st.Article}
		if t, ok := sppcrawl.ParseDate(l.Effective); ok {
			row.Effective = t
			row.Days = int(t.Sub(today).Hours() / 24)
		}
		if !row.Effective.IsZero() && row.Days >= 0 && row.Days <= 30 {
			d.Soon = append(d.Soon, row)
		} else {
			d.Others = append(d.Others, row)
		}
	}
	slices.SortStableFunc(d.Soon, func(a, b docRow) int { return a.Effective.Compare(b.Effective) })
	slices.SortStableFunc(d.Others, func(a, b docRow) int {
		return cmp.Or(b.Effective.Compare(a.Effective), b.A.PublishedAt.Compare(a.A.PublishedAt))
	})
	s.render(w, r, http.StatusOK, "documents", page{Title: "规范性文件", Nav: "documents", Data: d})
}
