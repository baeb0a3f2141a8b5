// Package searchscan is the tests' oracle for search: whether an article's
// exported text holds a query's terms, found by reading it whole (NFKC and
// lower case, then strings.Contains in each paragraph), as Ctrl-F would.
// The index must answer exactly what this finds.
package searchscan

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"sppcrawl"
	"sppcrawl/search"
)

// Fold is the oracle's normalisation: the whole string's NFKC, lower case.
func Fold(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// Segments are the texts of an article a field looks in: no match spans
// two of them, as no Ctrl-F match spans two paragraphs.
func Segments(a *sppcrawl.Article, field string) []string {
	switch field {
	case "":
		return append([]string{a.Title, a.Kicker, a.Subtitle}, a.Paragraphs...)
	case "title":
		return []string{a.Title}
	case "kicker":
		return []string{a.Kicker}
	case "subtitle":
		return []string{a.Subtitle}
	case "body":
		return a.Paragraphs
	case "number":
		var out []string
		if a.Document != nil {
			out = append(out, a.Document.Number)
		}
		for _, c := range a.Cases {
			out = append(out, c.Number)
		}
		return out
	case "keyword":
		var out []string
		for _, c := range a.Cases {
			out = append(out, c.Keywords...)
		}
		return out
	case "source":
		return []string{a.Source}
	case "author":
		return []string{a.Author}
	}
	panic("searchscan: no field " + field)
}

// Has says whether the term occurs in the article.
func Has(a *sppcrawl.Article, t search.Term) bool {
	needle := Fold(t.Text)
	for _, s := range Segments(a, t.Field) {
		if strings.Contains(Fold(s), needle) {
			return true
		}
	}
	return false
}

// Matches says whether the article holds the query: it is of one of the
// query's sites (site:), every clause has one of its terms, and no
// excluded clause does.
func Matches(a *sppcrawl.Article, q search.Query) bool {
	if !q.Sites.Keeps(a) {
		return false
	}
	for _, c := range q.Clauses {
		found := slices.ContainsFunc(c.Terms, func(t search.Term) bool { return Has(a, t) })
		if found == c.Not {
			return false
		}
	}
	return true
}
