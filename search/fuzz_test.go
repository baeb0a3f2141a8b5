package search_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"reflect"
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

// trickyText is text whose folding is not one character for one: full and
// half widths, compatibility forms that NFKC expands (㍻, ﬁ, ①, Ⅻ),
// composed and decomposed accents, letters whose lower case is longer (İ)
// or context-bound (Σ), Hangul syllables beside jamo and half-width
// forms, half-width katakana with a voicing mark, emoji with modifiers,
// no-break and ideographic spaces, 文号 brackets and 检例 numbers.
var trickyText = []string{
	"检例第５７号", "检例第57号", "高检发释字〔2021〕1号", "高检发释字[2021]1号", "（一）", "(一)",
	"ＡＢＣabc", "ﬁnance", "㍻元年", "Ⅻ条", "①②③", "café", "cafe\u0301", "İstanbul", "ΣΟΦΊΑ σοφία",
	"한국어", "ᄒ\u1161\u11ab", "ﾊﾝｸﾞﾙ", "ｶﾞｷﾞ", "👍🏽👨\u200d👩\u200d👧", "a\u00a0b", "认罪　认罚", "…——",
	"豈更", "ǅungla", "ß STRASSE", "最高人民检察院", "受贿罪", "正当防卫", "第一百四十条",
}

// FuzzSearchEqualsScan holds the index to Ctrl-F: for any query the parser
// takes, the articles found (and the total) are exactly those whose text
// holds the terms, by the brute-force scan of the folded text. A query is
// a piece of an article's field (article, segment, start and length in
// characters picked by the fuzzer, so that it occurs somewhere), in a
// field or not, then whatever the fuzzer writes after it (more terms, OR,
// exclusions, or nothing). The articles mix the site's own sentences (when
// ../shared/realpages is there) with trickyText.
func FuzzSearchEqualsScan(f *testing.F) {
	db, arts, ix := fuzzIndex(f)
	for i, s := range append(slices.Clone(trickyText), "", "-正当防卫", `OR title:ﬁ`, "number:〔2021〕", "keyword:防卫",
		"7号", "检例", "〔2", "５", "i̇", "σ", "ß", "ss", "ｶ", "ガ", "한", "ᄒ", "\u0301", "e", "🏽", "条 OR 号 -①", `"a b"`, "1",
		"site:spp", "site:gd.jcy 号", "site:www.gd.jcy.gov.cn site:spp", "-site:spp", "site:hbjc") {
		f.Add(uint16(i*7), uint8(i), uint8(i%5), uint8(i%4), s)
	}
	f.Fuzz(func(t *testing.T, at uint16, start, n, field uint8, more string) {
		s := fuzzTerm(arts, at, start, n, field) + " " + more
		q, err := search.ParseQuery(s)
		if err != nil {
			return
		}
		ctx := context.Background()
		m, err := ix.Match(ctx, search.Request{Query: s})
		if err != nil {
			if errors.Is(err, search.ErrQuery) {
				return // a term the index refuses (said in words)
			}
			t.Fatalf("%q: %v", s, err)
		}
		var got, want []string
		if err := m.Each(ctx, db, 0, func(h search.Hit) error { got = append(got, h.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			if searchscan.Matches(a, q) {
				want = append(want, a.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(want) // ids of two sites: spp-… after gd.jcy-…
		if !slices.Equal(got, want) || m.Total != len(want) {
			t.Fatalf("%q (%v): found %v (total %d), the scan finds %v", s, q, got, m.Total, want)
		}
	})
}

// fuzzTerm is a quoted piece of an article's text: of article and segment
// at, from character start, 1 to 12 characters; in a field (or none) by
// field. Empty when the piece is only space or holds a quote.
func fuzzTerm(arts []*sppcrawl.Article, at uint16, start, n, field uint8) string {
	fields := []string{"", "title", "body", "kicker", "subtitle", "keyword", "number"}
	a, f := arts[int(at)%len(arts)], fields[int(field)%len(fields)]
	segs := searchscan.Segments(a, f)
	if len(segs) == 0 {
		return ""
	}
	seg := []rune(segs[int(at/64)%len(segs)])
	if len(seg) == 0 {
		return ""
	}
	from := int(start) % len(seg)
	sub := string(seg[from:min(len(seg), from+1+int(n)%12)])
	if strings.TrimSpace(sub) == "" || strings.Contains(sub, `"`) {
		return ""
	}
	if f != "" {
		return f + `:"` + sub + `"`
	}
	return `"` + sub + `"`
}

// fuzzIndex stores 40 articles of mixed text, every fourth of a local
// site, and indexes them.
func fuzzIndex(f *testing.F) (*store.DB, []*sppcrawl.Article, *search.Index) {
	pool := slices.Clone(trickyText)
	if _, err := os.Stat(realtext.Dir); err == nil {
		pool = append(pool, realtext.Load(f)[:200]...)
	}
	db, path := testarchive.Open(f, store.Options{})
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, 12))
	pick := func() string { return pool[r.IntN(len(pool))] }
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pick())
		}
		return b.String()
	}
	var arts []*sppcrawl.Article
	for i := range 40 {
		a := testarchive.Article(i)
		if i%4 == 1 {
			a = testarchive.LocalArticle(i) // of another site: site: keeps or drops it
		}
		a.Title, a.Paragraphs = text(2), []string{text(3), text(2), pick()}
		if i%3 == 0 {
			a.Kicker, a.Subtitle = pick(), text(2)
		}
		if i%4 == 0 {
			a.Cases = []sppcrawl.Case{{Number: fmt.Sprintf("检例第%d号", 50+i), Keywords: []string{"正当防卫", pick()}}}
		}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			f.Fatal(err)
		}
		arts = append(arts, a)
	}
	return db, arts, caughtUp(f, db, path)
}

// FuzzParseRequest: any URL query, as /api/search and the pages take it, is
// a request or an ErrQuery; a request written back (the links that page
// and narrow a search) reads back the same; and it runs or is refused with
// an ErrQuery, never another error.
func FuzzParseRequest(f *testing.F) {
	db, _, ix := fuzzIndex(f)
	for _, s := range []string{"q=受贿", "q=%E7%BD%AA&channel=jczdal,tt&from=2026-01&to=2026&sort=oldest&limit=5&facets=channel,year,kind",
		"q=a&effective_from=2025-06-01&effective_to=2025-13-01", "q=a&kind=case&has=images&withdrawn=only&versions=all",
		"q=a&cursor=AAAA", "q=a&limit=0", "q=a&site=spp,gd.jcy&facets=site", "q=a+site:gd.jcy&site=www.spp.gov.cn", "q=a&site=%3Cx%3E", "q=&channel=/spp/zdgz/", "q=a&channel=%2C%2C&sort=relevance", "q=a&from=2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := search.ParseRequest(v)
		if err != nil {
			if !errors.Is(err, search.ErrQuery) {
				t.Fatalf("%q: %v is no ErrQuery", raw, err)
			}
			return
		}
		again, err := search.ParseRequest(req.Values())
		if err != nil || !reflect.DeepEqual(again, req) {
			t.Fatalf("%q: %+v written back as %q reads %+v, %v", raw, req, req.Values().Encode(), again, err)
		}
		if req.Query == "" {
			return
		}
		if _, err := ix.Search(context.Background(), db, req); err != nil && !errors.Is(err, search.ErrQuery) {
			t.Fatalf("%q: %v is no ErrQuery", raw, err)
		}
	})
}
