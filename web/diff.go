package web

import (
	"fmt"
	"net/http"
	"strconv"

	"sppcrawl"
	"sppcrawl/diff"
	"sppcrawl/sites"
)

// diffContext is how many unchanged paragraphs a diff shows around each
// change, unless the whole text is asked for.
const diffContext = 2

// diffData is a diff page: what changed from one version to another.
type diffData struct {
	A          *sppcrawl.Article // the newer version
	From, To   int
	Versions   []int // every version number, for the neighbours
	Known      bool
	Whole      bool
	Fields     []diff.Field
	Blocks     []diffBlock
	Changes    int
	PrevFrom   int // the pair before this one (0: none)
	NextTo     int // the pair after
	ImagesGone []string
	ImagesNew  []string
	Only       bool // the article has one version: nothing to compare
}

// diffBlock is a paragraph of the diff, or a run of unchanged ones left
// out (Skipped).
type diffBlock struct {
	Change  int    // 1-based number of the change, 0 for context
	Op      string // same, added, removed, changed
	Pos     int
	Text    string      // same, added, removed
	Spans   []diff.Span // changed: characters deleted and inserted
	Skipped int
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) {
	h, ok := s.history(w, r)
	if !ok {
		return
	}
	if len(h.Versions) == 1 {
		a, _ := h.Article(0)
		s.render(w, r, http.StatusOK, "diff", page{Title: a.Title + " · 改动", Data: diffData{A: a, Only: true}, Source: sites.OfURL(a.URL)})
		return
	}
	q := r.URL.Query()
	last := h.Versions[len(h.Versions)-1].Version
	to, err := versionParam(q.Get("to"), last)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "参数 to："+err.Error())
		return
	}
	from, err := versionParam(q.Get("from"), to-1)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "参数 from："+err.Error())
		return
	}
	fi, ti := h.Index(from), h.Index(to)
	switch {
	case from == to:
		s.fail(w, r, http.StatusBadRequest, "from 和 to 是同一版：请选两个不同的版本。")
		return
	case fi < 0 || ti < 0:
		s.fail(w, r, http.StatusNotFound, h.ID+" 没有第 "+strconv.Itoa(max(from, to))+" 版（共 "+strconv.Itoa(last)+" 版）。")
		return
	}
	a, ak := h.Article(fi)
	b, bk := h.Article(ti)
	d := diffData{A: b, From: from, To: to, Known: ak && bk, Whole: q.Get("whole") == "1", Fields: diff.Fields(a, b, ak && bk)}
	for _, v := range h.Versions {
		d.Versions = append(d.Versions, v.Version)
	}
	if from > 1 && to == from+1 {
		d.PrevFrom = from - 1
	}
	if to < last && to == from+1 {
		d.NextTo = to + 1
	}
	if d.Known {
		d.Blocks, d.Changes = blocks(diff.Paragraphs(a.Paragraphs, b.Paragraphs), d.Whole)
		d.ImagesGone, d.ImagesNew = diff.Lists(imageURLs(a), imageURLs(b))
	}
	s.render(w, r, http.StatusOK, "diff", page{Title: b.Title + " · 第 " + strconv.Itoa(from) + "–" + strconv.Itoa(to) + " 版的改动", Data: d, Source: sites.OfURL(b.URL)})
}

// versionParam reads a version number, def when absent.
func versionParam(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("「%s」不是版本号（1、2、3……）", sppcrawl.Clip(s, 20))
	}
	return n, nil
}

// blocks numbers the changes and, unless whole, keeps diffContext
// unchanged paragraphs around each, counting those left out.
func blocks(ps []diff.Paragraph, whole bool) ([]diffBlock, int) {
	near := make([]bool, len(ps))
	for i, p := range ps {
		if p.Op() != diff.Equal {
			for j := max(0, i-diffContext); j <= min(len(ps)-1, i+diffContext); j++ {
				near[j] = true
			}
		}
	}
	var out []diffBlock
	changes, skipped := 0, 0
	for i, p := range ps {
		op := p.Op()
		if op == diff.Equal && !whole && !near[i] {
			skipped++
			continue
		}
		if skipped > 0 {
			out = append(out, diffBlock{Skipped: skipped})
			skipped = 0
		}
		b := diffBlock{Op: op.String(), Pos: p.Pos}
		switch op {
		case diff.Equal, diff.Insert:
			b.Text = p.New
		case diff.Delete:
			b.Text = p.Old
		case diff.Change:
			b.Spans = diff.Chars(p.Old, p.New)
		}
		if op != diff.Equal {
			changes++
			b.Change = changes
		}
		out = append(out, b)
	}
	if skipped > 0 {
		out = append(out, diffBlock{Skipped: skipped})
	}
	return out, changes
}

func imageURLs(a *sppcrawl.Article) []string {
	var out []string
	for _, im := range a.Images {
		out = append(out, im.URL)
	}
	return out
}
