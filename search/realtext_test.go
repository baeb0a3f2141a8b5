package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/realtext"
	"sppcrawl/internal/searchscan"
	"sppcrawl/internal/testarchive"
	"sppcrawl/search"
	"sppcrawl/store"
)

// TestSearch_RealTextEqualsScan: on articles in the site's own words (the
// real pages' sentences, with full-width punctuation, digits and Latin
// letters as the site has them), every query of random substrings of their
// fields, 1 to 12 characters, with or without a field, ANDed, ORed or
// excluded, finds exactly the articles the brute-force scan finds.
func TestSearch_RealTextEqualsScan(t *testing.T) {
	sentences := realtext.Load(t)
	db, path := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 8))
	pick := func() string { return sentences[r.IntN(len(sentences))] }
	var arts []*sppcrawl.Article
	for i := range 150 {
		a := testarchive.Article(i)
		a.Title, a.Paragraphs = strings.TrimSuffix(pick(), "。"), realtext.Paragraphs(r, sentences)
		if i%4 == 0 {
			a.Kicker, a.Subtitle = pick(), pick()
		}
		if i%7 == 0 {
			a.Cases = []sppcrawl.Case{{Number: fmt.Sprintf("检例第%d号", 50+i%9), Title: pick(), Keywords: []string{"正当防卫", string([]rune(pick())[:3])}}}
		}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	ix := caughtUp(t, db, path)
	fields := []string{"", "", "", "title", "body", "kicker", "subtitle", "keyword", "number"}
	term := func() string {
		for {
			a, f := arts[r.IntN(len(arts))], fields[r.IntN(len(fields))]
			segs := searchscan.Segments(a, f)
			if len(segs) == 0 {
				continue
			}
			s := []rune(segs[r.IntN(len(segs))])
			n := 1 + r.IntN(min(12, max(len(s), 1)))
			if len(s) < n {
				continue
			}
			at := r.IntN(len(s) - n + 1)
			sub := string(s[at : at+n])
			if strings.TrimSpace(sub) == "" || strings.Contains(sub, `"`) {
				continue
			}
			if f != "" {
				return f + `:"` + sub + `"`
			}
			return `"` + sub + `"`
		}
	}
	for i := range 200 {
		query := term()
		switch i % 4 {
		case 1:
			query += " " + term()
		case 2:
			query += " OR " + term()
		case 3:
			query += " -" + term()
		}
		q, err := search.ParseQuery(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var want []string
		for _, a := range arts {
			if searchscan.Matches(a, q) {
				want = append(want, a.ID)
			}
		}
		m, err := ix.Match(ctx, search.Request{Query: query})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var got []string
		if err := m.Each(ctx, db, 0, func(h search.Hit) error { got = append(got, h.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || m.Total != len(want) {
			t.Errorf("%s: %d found (total %d), the scan finds %d", query, len(got), m.Total, len(want))
		}
	}
}
