package search_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"sppcrawl"
	"sppcrawl/internal/searchscan"
	"sppcrawl/internal/testarchive"
	"sppcrawl/search"
	"sppcrawl/store"
)

// texts are the bodies of the test archive's articles: each query below
// must find some of them and miss others, for the reasons the comments
// give.
var texts = [][]string{
	{"最高人民检察院发布第57批指导性案例，检例第57号涉及正当防卫。"}, // 0
	{"检察机关依法办理受贿案件，院里召开会议。"},             // 1: 检察 and 察院 apart
	{"《关于办理认罪认罚案件的意见》高检发释字〔2021〕1号。"},    // 2
	{"高检发释字(2021)1号 的半角写法。"},             // 3: half-width brackets
	{"检例第５７号（全角数字）。", "第一百四十条规定。"},       // 4
	{"罪与罚。", "受", "贿"},                   // 5: 受 and 贿 in two paragraphs
	{"Procuratorate of CHINA 英文。"},       // 6
	{"贪污受贿，数额巨大。"},                       // 7
	{"认罪认罚从宽制度。"},                        // 8
	{"“引号”和 * 星号 NEAR 与 OR 以及 \"双引号\"。"}, // 9: engine syntax as text
}

// corpus is an archive of the texts (article i in channel i%3, a day
// apart from 2024-01-01, one a case, one a document, one withdrawn, one
// corrected) and its index.
type corpus struct {
	db       *store.DB
	ix       *search.Index
	articles map[string]*sppcrawl.Article // by id, current versions
	earlier  []*sppcrawl.Article
}

func newCorpus(t *testing.T) *corpus {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	c := &corpus{db: db, articles: map[string]*sppcrawl.Article{}}
	for i, body := range texts {
		a := testarchive.Article(i)
		a.Title = fmt.Sprintf("第%d号文章", i)
		a.Kicker, a.Images, a.Attachments = "", []sppcrawl.Image{}, []sppcrawl.Attachment{}
		a.PublishedAt = time.Date(2024, 1, 1+i, 10, 0, 0, 0, sppcrawl.CST())
		a.Paragraphs = body
		switch i {
		case 0:
			a.Cases = []sppcrawl.Case{{Number: "检例第57号", Title: "正当防卫案", Keywords: []string{"正当防卫", "无限防卫权"}}}
		case 2:
			a.Document = &sppcrawl.Document{Number: "高检发释字〔2021〕1号", Effective: "2021-03-01"}
		case 6:
			a.Images = []sppcrawl.Image{{URL: "https://www.spp.gov.cn/a.jpg"}}
		}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
		c.articles[a.ID] = a
	}
	// article 7 corrected: version 1 (贪污受贿) stays findable with versions=all
	v2 := *c.articles["spp-700007"]
	c.earlier = append(c.earlier, c.articles["spp-700007"])
	v2.Paragraphs = []string{"挪用公款，数额巨大。"}
	v2.ContentHash = v2.ComputeHash()
	if res, err := db.Upsert(ctx, &v2, nil); err != nil || res.Outcome != sppcrawl.Updated {
		t.Fatal(res, err)
	}
	c.articles[v2.ID] = &v2
	// article 8 withdrawn: two runs answer gone
	for _, run := range []time.Time{time.Now(), time.Now().Add(time.Hour)} {
		if _, err := db.RecordGone(ctx, c.articles["spp-700008"].URL, run, "404"); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := db.Get(ctx, "spp-700008")
	c.articles["spp-700008"] = st.Article
	c.ix = caughtUp(t, db, path)
	return c
}

// caughtUp is the index beside the archive at path, caught up with db and
// closed when the test ends.
func caughtUp(tb testing.TB, db *store.DB, path string) *search.Index {
	tb.Helper()
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func (c *corpus) scan(t *testing.T, query string, keep func(*sppcrawl.Article) bool) []string {
	t.Helper()
	q, err := search.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id, a := range c.articles {
		if searchscan.Matches(a, q) && (keep == nil || keep(a)) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (c *corpus) ids(t *testing.T, req search.Request) []string {
	t.Helper()
	m, err := c.ix.Match(context.Background(), req)
	if err != nil {
		t.Fatalf("%q: %v", req.Query, err)
	}
	var out []string
	err = m.Each(context.Background(), c.db, 0, func(h search.Hit) error {
		out = append(out, h.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != m.Total {
		t.Errorf("%q: total %d, %d results", req.Query, m.Total, len(out))
	}
	slices.Sort(out)
	return out
}

func notWithdrawn(a *sppcrawl.Article) bool { return a.WithdrawnAt.IsZero() }

func TestSearch_ExactAsCtrlF(t *testing.T) {
	c := newCorpus(t)
	for _, tc := range []struct {
		q    string
		want []int // the oracle must agree, and these are what it finds
	}{
		{"检察院", []int{0}},       // not 1: its 检察 and 察院 are apart
		{"检察", []int{0, 1}},     // two characters
		{"罪", []int{2, 5}},      // one character (8 is withdrawn)
		{"受贿", []int{1}},        // 5 has 受 and 贿 in two paragraphs; 7's 受贿 was corrected away
		{"受 贿", []int{1, 5}},    // each alone
		{"〔2021〕1号", []int{2}},  // full-width brackets
		{"(2021)1号", []int{3}},  // half-width: （ folds to (, 〔 does not
		{"检例第57号", []int{0, 4}}, // ５７ is 57
		{"检例第５７号", []int{0, 4}}, // and the other way
		{"第一百四十条", []int{4}},
		{"china", []int{6}},          // case ignored
		{"title:第1号", []int{1}},      // field
		{"body:第1号", nil},            // not in the body
		{"检察 -最高", []int{1}},         // exclusion: 0 has 最高
		{"检察院 OR 罪", []int{0, 2, 5}}, // OR across the two tables
		{"认罪认罚 OR 受贿", []int{1, 2}},  // OR in one table
		{`"of CHINA"`, []int{6}},     // quoted, space kept
		{`"星号 NEAR"`, []int{9}},      // engine syntax is text
		{`*`, []int{9}},              // so is an asterisk
		{`“引号”`, []int{9}},           // and Chinese quotes
		{"number:检例第57号", []int{0}},  // numbers: 4 has it in the body only
		{"keyword:正当防卫", []int{0}},
		{"正当防卫 -keyword:无限", nil},
		{"source:高检网 第5号", []int{5}},
		{"数额巨大", []int{7}}, // the correction kept it
	} {
		want := c.scan(t, tc.q, notWithdrawn)
		got := c.ids(t, search.Request{Query: tc.q})
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %v, the scan finds %v", tc.q, got, want)
		}
		var named []string
		for _, i := range tc.want {
			named = append(named, fmt.Sprint("spp-", 700000+i))
		}
		if !slices.Equal(want, named) {
			t.Errorf("%q: the scan finds %v, the test expects %v: fix the test's corpus", tc.q, want, named)
		}
	}
}

func TestSearch_Filters(t *testing.T) {
	c := newCorpus(t)
	ctx := context.Background()
	all := func(a *sppcrawl.Article) bool { return true }
	for _, tc := range []struct {
		name string
		req  search.Request
		keep func(*sppcrawl.Article) bool
	}{
		{"channel", search.Request{Query: "第", Channels: []string{"jczdal"}}, func(a *sppcrawl.Article) bool {
			return notWithdrawn(a) && a.ChannelPath == "/spp/jczdal/"
		}},
		{"channels", search.Request{Query: "第", Channels: []string{"jczdal", "/spp/qwfb/"}}, func(a *sppcrawl.Article) bool {
			return notWithdrawn(a) && a.ChannelPath != "/spp/tt/"
		}},
		{"dates", search.Request{Query: "第", From: "2024-01-03", To: "2024-01-05"}, func(a *sppcrawl.Article) bool {
			d := a.PublishedAt.Day()
			return notWithdrawn(a) && d >= 3 && d <= 5
		}},
		{"channel and dates", search.Request{Query: "第", Channels: []string{"tt"}, From: "2024-01", To: "2024-01-07"}, func(a *sppcrawl.Article) bool {
			return notWithdrawn(a) && a.ChannelPath == "/spp/tt/" && a.PublishedAt.Day() <= 7
		}},
		{"kind case", search.Request{Query: "第", Kinds: []string{"case"}}, func(a *sppcrawl.Article) bool { return len(a.Cases) > 0 }},
		{"kind document", search.Request{Query: "第", Kinds: []string{"document"}}, func(a *sppcrawl.Article) bool { return a.Document != nil }},
		{"kind article", search.Request{Query: "第", Kinds: []string{"article"}}, func(a *sppcrawl.Article) bool {
			return notWithdrawn(a) && a.Document == nil && len(a.Cases) == 0
		}},
		{"effective", search.Request{Query: "第", EffectiveFrom: "2021", EffectiveTo: "2021-03-01"}, func(a *sppcrawl.Article) bool { return a.Document != nil }},
		{"effective after", search.Request{Query: "第", EffectiveFrom: "2021-03-02"}, func(a *sppcrawl.Article) bool { return false }},
		{"images", search.Request{Query: "第", Has: []string{"images"}}, func(a *sppcrawl.Article) bool { return len(a.Images) > 0 }},
		{"withdrawn only", search.Request{Query: "第", Withdrawn: "only"}, func(a *sppcrawl.Article) bool { return !notWithdrawn(a) }},
		{"withdrawn include", search.Request{Query: "罪", Withdrawn: "include"}, all},
	} {
		want := c.scan(t, tc.req.Query, tc.keep)
		got := c.ids(t, tc.req)
		if !slices.Equal(got, want) || len(want) == 0 && tc.name != "effective after" {
			t.Errorf("%s: got %v, want %v", tc.name, got, want)
		}
	}
	// versions=all finds the corrected-away text, naming version 1
	res, err := c.ix.Search(ctx, c.db, search.Request{Query: "贪污受贿", Versions: "all"})
	if err != nil || res.Total != 1 || res.Results[0].Version != 1 || res.Results[0].Current {
		t.Fatalf("versions=all: %+v %v", res, err)
	}
	if res, _ := c.ix.Search(ctx, c.db, search.Request{Query: "贪污受贿"}); res.Total != 0 {
		t.Errorf("current versions only: %d results", res.Total)
	}
}

func TestSearch_FacetsAndPaging(t *testing.T) {
	c := newCorpus(t)
	ctx := context.Background()
	req := search.Request{Query: "第", Facets: []string{"channel", "year", "kind"}, Limit: 2}
	res, err := c.ix.Search(ctx, c.db, req)
	if err != nil {
		t.Fatal(err)
	}
	want := c.scan(t, "第", notWithdrawn)
	if res.Total != len(want) {
		t.Fatalf("total %d, scan %d", res.Total, len(want))
	}
	byChannel := map[string]int{}
	for _, id := range want {
		byChannel[c.articles[id].ChannelPath]++
	}
	sum := 0
	for _, f := range res.Facets["channel"] {
		if f.Count != byChannel[f.Value] {
			t.Errorf("channel facet %s: %d, scan %d", f.Value, f.Count, byChannel[f.Value])
		}
		sum += f.Count
	}
	if sum != res.Total || len(res.Facets["year"]) != 1 || res.Facets["year"][0] != (search.Facet{Value: "2024", Count: res.Total}) {
		t.Errorf("facets %+v", res.Facets)
	}
	// every page, newest first, until no cursor: all results, each once
	var seen []string
	var last time.Time
	for page := 0; ; page++ {
		for _, h := range res.Results {
			if !last.IsZero() && h.PublishedAt.After(last) {
				t.Errorf("page %d: %s after %s", page, h.PublishedAt, last)
			}
			last = h.PublishedAt
			seen = append(seen, h.ID)
		}
		if res.NextCursor == "" {
			break
		}
		req.Cursor = res.NextCursor
		if res, err = c.ix.Search(ctx, c.db, req); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(seen)
	if !slices.Equal(seen, want) {
		t.Errorf("pages gave %v, want %v", seen, want)
	}
	// a cursor of another query is refused
	req.Query = "检察"
	if _, err := c.ix.Search(ctx, c.db, req); !errors.Is(err, search.ErrQuery) || !strings.Contains(err.Error(), "another query") {
		t.Errorf("foreign cursor: %v", err)
	}
}

func TestSearch_Snippets(t *testing.T) {
	c := newCorpus(t)
	res, err := c.ix.Search(context.Background(), c.db, search.Request{Query: "检例第57号"})
	if err != nil || res.Total != 2 {
		t.Fatal(res, err)
	}
	for _, h := range res.Results {
		if len(h.Snippets) == 0 {
			t.Fatalf("%s: no snippet", h.ID)
		}
		s := h.Snippets[0]
		r := []rune(s.Text)
		got := string(r[s.Match[0][0]:s.Match[0][1]])
		if searchscan.Fold(got) != searchscan.Fold("检例第57号") {
			t.Errorf("%s: match %q in %q", h.ID, got, s.Text)
		}
		if !strings.Contains(s.HTML, "<mark>"+got+"</mark>") {
			t.Errorf("%s: html %q", h.ID, s.HTML)
		}
	}
}

func TestSearch_BadInput(t *testing.T) {
	c := newCorpus(t)
	for _, tc := range []struct {
		req  search.Request
		want string
	}{
		{search.Request{Query: ""}, "empty"},
		{search.Request{Query: "  "}, "empty"},
		{search.Request{Query: `a "bc`}, "character 3"},
		{search.Request{Query: strings.Repeat("字", 257)}, "257 characters"},
		{search.Request{Query: strings.Repeat("字 ", 17)}, "17 terms"},
		{search.Request{Query: "-罪"}, "only excludes"},
		{search.Request{Query: "a OR"}, "after"},
		{search.Request{Query: "OR a"}, "before"},
		{search.Request{Query: "a OR -b"}, "excluded"},
		{search.Request{Query: "\x00"}, "character 1 is a control character (U+0000)"},
		{search.Request{Query: "罪 \"a\x1bb\""}, "character 5 is a control character (U+001B)"},
		{search.Request{Query: "罪 \xff\xfe"}, "not UTF-8"},
		{search.Request{Query: "罪", From: "2024-13-01"}, "not a date"},
		{search.Request{Query: "罪", From: "2024-02", To: "2024-01"}, "after"},
		{search.Request{Query: "罪", Channels: []string{"nosuch"}}, "no such channel"},
		{search.Request{Query: "罪", Channels: []string{"/spp/nosuch/"}}, "no article"},
		{search.Request{Query: "罪", Kinds: []string{"law"}}, "kind"},
		{search.Request{Query: "罪", Sort: "best"}, "sort"},
		{search.Request{Query: "罪", Cursor: "!!"}, "cursor"},
		{search.Request{Query: "罪", Limit: 5000}, "limit"},
	} {
		_, err := c.ix.Search(context.Background(), c.db, tc.req)
		if !errors.Is(err, search.ErrQuery) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an ErrQuery saying %q", tc.req, err, tc.want)
		}
		// and says it in Chinese for the search page
		if qe, ok := errors.AsType[*search.QueryError](err); !ok || !strings.ContainsFunc(qe.Chinese(), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%+v: %v has no Chinese reason", tc.req, err)
		}
	}
	// a table channel with no article yet is no error: nothing is found
	if res, err := c.ix.Search(context.Background(), c.db, search.Request{Query: "罪", Channels: []string{"gzbg"}}); err != nil || res.Total != 0 {
		t.Errorf("empty channel: %v %v", res, err)
	}
}

func TestIndex_CatchUpFollowsTheArchive(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	testarchive.Seed(t, db, 0, 30)
	ix, err := search.Open(filepath.Join(t.TempDir(), "x.search"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rep, err := ix.CatchUp(ctx, db, nil)
	if err != nil || rep.Articles != 30 || rep.Behind != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	if rep, _ := ix.CatchUp(ctx, db, nil); rep.Articles != 0 {
		t.Errorf("second catch-up indexed %d", rep.Articles)
	}
	testarchive.Seed(t, db, 30, 35)
	st, _ := ix.Status(ctx, db)
	if st.Behind != 5 {
		t.Errorf("behind %d, want 5", st.Behind)
	}
	if rep, _ := ix.CatchUp(ctx, db, nil); rep.Articles != 5 {
		t.Errorf("catch-up indexed %d, want 5", rep.Articles)
	}
	res, err := ix.Search(ctx, db, search.Request{Query: "第34篇"})
	if err != nil || res.Total != 1 || res.Results[0].ID != "spp-700034" {
		t.Fatalf("%+v %v", res, err)
	}
	_ = path
}

func TestSearch_Relevance(t *testing.T) {
	c := newCorpus(t)
	res, err := c.ix.Search(context.Background(), c.db, search.Request{Query: "认罪认罚", Sort: "relevance", Withdrawn: "include"})
	if err != nil || res.Total != 2 {
		t.Fatal(res, err)
	}
	// 8 says it once in a short text, 2 once in a longer one
	if res.Results[0].ID != "spp-700008" {
		t.Errorf("relevance order %s, %s", res.Results[0].ID, res.Results[1].ID)
	}
}

func TestSearch_Timeout(t *testing.T) {
	c := newCorpus(t)
	ix, err := search.Open(c.ix.Path(), search.Options{Timeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = ix.Search(context.Background(), c.db, search.Request{Query: "第"})
	if !errors.Is(err, search.ErrTimeout) || !strings.Contains(err.Error(), "narrow") {
		t.Errorf("got %v, want ErrTimeout", err)
	}
}
