package search

import (
	"html"
	"slices"
	"strings"

	"sppcrawl"
)

// Snippet is a piece of a result's text around what matched: Match are the
// exact spans found, [start, end) in characters (code points) of Text;
// HTML is Text escaped with the spans in <mark>.
type Snippet struct {
	Field string   `json:"field"`
	Text  string   `json:"text"`
	Match [][2]int `json:"match"`
	HTML  string   `json:"html"`
}

// TitleMarked splits off a snippet that is the hit's whole title, for a
// page or table that marks the title itself rather than repeat it under
// itself; rest are the other snippets. ok is false when no snippet is the
// whole title.
func (h Hit) TitleMarked() (title Snippet, rest []Snippet, ok bool) {
	if s := h.Snippets; len(s) > 0 && s[0].Field == "title" && s[0].Text == h.Title {
		return s[0], s[1:], true
	}
	return Snippet{}, h.Snippets, false
}

// snippetContext is how many characters a snippet shows before its first
// match; snippetWidth its most characters.
const (
	snippetContext = 30
	snippetWidth   = 120
)

// found is a segment of the article where terms of the query occur.
type found struct {
	field   int
	order   int // position among all segments, for document order
	text    []rune
	spans   [][2]int // in text, sorted, merged
	matched int      // distinct terms found in it
}

// snippets finds the query's terms (not the excluded ones) in a, as the
// index matched them (folded), and cuts up to max snippets: the segments
// with the most distinct terms, shown in document order.
func snippets(a *sppcrawl.Article, q Query, max int) []Snippet {
	var terms []Term
	for _, c := range q.Clauses {
		if !c.Not {
			terms = append(terms, c.Terms...)
		}
	}
	var hits []found
	order := 0
	for col, segs := range fields(a) {
		for _, seg := range segs {
			order++
			if f, ok := findIn(seg, col, terms); ok {
				f.order = order
				hits = append(hits, f)
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b found) int { return b.matched - a.matched })
	hits = hits[:min(max, len(hits))]
	slices.SortFunc(hits, func(a, b found) int { return a.order - b.order })
	out := make([]Snippet, 0, len(hits))
	for _, f := range hits {
		out = append(out, f.snippet())
	}
	return out
}

// findIn finds the terms that look in column col in one segment.
func findIn(seg string, col int, terms []Term) (found, bool) {
	if seg == "" {
		return found{}, false
	}
	folded, from := fold(seg)
	orig := []rune(seg)
	f := found{field: col, text: orig}
	for _, t := range terms {
		if !t.looksIn(col) {
			continue
		}
		spans := occurrences(folded, []rune(t.folded))
		if len(spans) == 0 {
			continue
		}
		f.matched++
		for _, s := range spans {
			f.spans = append(f.spans, [2]int{from[s[0]], from[s[1]-1] + 1})
		}
	}
	if f.matched == 0 {
		return found{}, false
	}
	f.spans = merge(f.spans)
	return f, true
}

// occurrences are the non-overlapping places of needle in hay.
func occurrences(hay, needle []rune) [][2]int {
	var out [][2]int
	for i := 0; i+len(needle) <= len(hay); {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			out = append(out, [2]int{i, i + len(needle)})
			i += len(needle)
			continue
		}
		i++
	}
	return out
}

func merge(spans [][2]int) [][2]int {
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// snippet cuts the segment around its first span, at most snippetWidth
// characters, with … where it is cut; a segment that fits is shown whole
// (a title is then the whole title, see Hit.TitleMarked).
func (f found) snippet() Snippet {
	start := max(0, f.spans[0][0]-snippetContext)
	if len(f.text) <= snippetWidth {
		start = 0
	}
	end := min(len(f.text), start+snippetWidth)
	if first := f.spans[0][1]; end < first { // a match longer than the width is shown whole
		end = first
	}
	var text strings.Builder
	var h strings.Builder
	shift := 0
	if start > 0 {
		text.WriteString("…")
		h.WriteString("…")
		shift = 1
	}
	s := Snippet{Field: columns[f.field], Match: [][2]int{}}
	at := start
	for _, sp := range f.spans {
		if sp[0] >= end {
			break
		}
		e := min(sp[1], end)
		h.WriteString(html.EscapeString(string(f.text[at:sp[0]])))
		h.WriteString("<mark>" + html.EscapeString(string(f.text[sp[0]:e])) + "</mark>")
		s.Match = append(s.Match, [2]int{sp[0] - start + shift, e - start + shift})
		at = e
	}
	h.WriteString(html.EscapeString(string(f.text[at:end])))
	text.WriteString(string(f.text[start:end]))
	if end < len(f.text) {
		text.WriteString("…")
		h.WriteString("…")
	}
	s.Text, s.HTML = text.String(), h.String()
	return s
}
