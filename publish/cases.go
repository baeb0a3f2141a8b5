package publish

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"sppcrawl"

	"sppcrawl/store"
)

// CaseRecord is one case with the article it was published in: a line of
// `export --format cases` and an item of /api/cases.
type CaseRecord struct {
	ArticleID   string    `json:"article_id"`
	URL         string    `json:"url"`
	PublishedAt time.Time `json:"published_at"`
	Channel     string    `json:"channel"`
	sppcrawl.Case
}

func caseRecords(a *sppcrawl.Article) []CaseRecord {
	out := make([]CaseRecord, 0, len(a.Cases))
	for _, c := range a.Cases {
		out = append(out, CaseRecord{a.ID, a.URL, a.PublishedAt, a.Channel, c})
	}
	return out
}

// hasKeyword reports whether a case has keyword k (a keyword equal to it or
// containing it); every case has the empty keyword.
func (c CaseRecord) hasKeyword(k string) bool {
	if k == "" {
		return true
	}
	return slices.ContainsFunc(c.Keywords, func(w string) bool { return strings.Contains(w, k) })
}

// exportCases writes the cases of the articles f keeps, in seq order, as
// JSON Lines (cases) or as a CSV with one column per section heading, in
// the order the headings first appear (cases-csv). next is the cursor, as
// for articles.
func exportCases(ctx context.Context, db sppcrawl.Archive, w io.Writer, o ExportOptions) (next uint64, err error) {
	next = o.Filter.AfterSeq
	var all []CaseRecord
	enc := newJSONEncoder(w)
	n := 0
	err = db.ForEachWithCases(ctx, o.Filter.AfterSeq, func(a *sppcrawl.Article) error {
		if o.Limit > 0 && n >= o.Limit {
			return errLimit
		}
		next = a.Seq
		if !o.Filter.keep(a) {
			return nil
		}
		for _, c := range caseRecords(a) {
			n++
			if o.Format == "cases-csv" {
				all = append(all, c)
			} else if err := enc.Encode(c); err != nil {
				return err
			}
		}
		return nil
	})
	skipped, err := store.Partial(err)
	if err != nil && !errors.Is(err, errLimit) {
		return o.Filter.AfterSeq, err
	}
	if o.Format == "cases-csv" {
		return next, partial(skipped, writeCasesCSV(w, all))
	}
	return next, partial(skipped, nil)
}

func writeCasesCSV(w io.Writer, cases []CaseRecord) error {
	var headings []string
	for _, c := range cases {
		for _, s := range c.Sections {
			if !slices.Contains(headings, s.Heading) {
				headings = append(headings, s.Heading)
			}
		}
	}
	// A BOM makes Excel (Chinese Windows included) read the file as UTF-8.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(csvCells(append([]string{"number", "title", "keywords", "url", "published_at"}, headings...)...))
	for _, c := range cases {
		row := []string{c.Number, c.Title, strings.Join(c.Keywords, "、"), c.URL, rfc3339(c.PublishedAt)}
		for _, h := range headings {
			var text []string
			for _, s := range c.Sections {
				if s.Heading == h {
					text = append(text, s.Paragraphs...)
				}
			}
			row = append(row, strings.Join(text, "\n"))
		}
		cw.Write(csvCells(row...))
	}
	cw.Flush()
	return cw.Error()
}

// cases: GET /api/cases?since=SEQ&limit=N&keyword=K → {"cases":[…],
// "next_since":SEQ}: the cases of the articles after since, in seq order,
// whole articles at a time (an article's cases never straddle two pages).
func (s *Server) cases(w http.ResponseWriter, r *http.Request) {
	since, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	keyword := strings.TrimSpace(r.URL.Query().Get("keyword"))
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	tag := fmt.Sprintf("g%d-c%d-l%d-%x", gen, since, limit, keyword)
	if NotModified(w, r, tag) {
		return
	}
	a, err := s.answers.get(tag, func() (*answer, error) { return s.casesPage(r.Context(), since, limit, keyword) })
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	a.write(w, r)
}

// casesPage renders a page of /api/cases.
func (s *Server) casesPage(ctx context.Context, since, limit uint64, keyword string) (*answer, error) {
	out := struct {
		Cases     []CaseRecord `json:"cases"`
		NextSince uint64       `json:"next_since"`
	}{Cases: []CaseRecord{}, NextSince: since}
	err := s.db.ForEachWithCases(ctx, since, func(a *sppcrawl.Article) error {
		var mine []CaseRecord
		for _, c := range caseRecords(a) {
			if c.hasKeyword(keyword) {
				mine = append(mine, c)
			}
		}
		if len(out.Cases) > 0 && len(out.Cases)+len(mine) > int(limit) {
			return errLimit
		}
		out.Cases, out.NextSince = append(out.Cases, mine...), a.Seq
		return nil
	})
	skipped, err := store.Partial(err)
	if err != nil && !errors.Is(err, errLimit) {
		return nil, err
	}
	b, err := marshalNoEscape(out)
	if err != nil {
		return nil, err
	}
	return &answer{contentType: "application/json; charset=utf-8", skipped: skipped, plain: append(b, '\n')}, nil
}

// oneCase: GET /api/cases/{number} (URL-encoded 检例第257号) → that case.
func (s *Server) oneCase(w http.ResponseWriter, r *http.Request) {
	number := r.PathValue("number")
	if !strings.HasPrefix(number, "检例第") || !strings.HasSuffix(number, "号") || len(number) > 40 {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("case %q: want a number such as 检例第257号", number))
		return
	}
	a, err := s.db.ArticleWithCase(r.Context(), number)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, c := range caseRecords(a) {
		if c.Number == number {
			b, err := marshalNoEscape(c)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			s.sendJSON(w, r, b)
			return
		}
	}
}
