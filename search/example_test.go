package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sppcrawl"
	"sppcrawl/search"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// A query is terms that must all occur; quotes keep spaces in one term,
// OR offers alternatives, a minus excludes, a prefix names the field.
func ExampleParseQuery() {
	q, err := search.ParseQuery(`认罪认罚 title:"典型 案例" -贪污 检例第57号 OR 检例第５８号`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range q.Clauses {
		for _, t := range c.Terms {
			fmt.Printf("not=%t field=%q text=%q\n", c.Not, t.Field, t.Text)
		}
	}
	fmt.Println(q)
	// Output:
	// not=false field="" text="认罪认罚"
	// not=false field="title" text="典型 案例"
	// not=true field="" text="贪污"
	// not=false field="" text="检例第57号"
	// not=false field="" text="检例第５８号"
	// 认罪认罚 title:"典型 案例" -贪污 检例第57号 OR 检例第５８号
}

// A bad query says what is wrong and where.
func ExampleParseQuery_error() {
	_, err := search.ParseQuery(`受贿 "认罪认罚`)
	fmt.Println(err)
	// Output: bad query: the quote at character 4 is not closed
}

// Matches is the query as a filter of one article, read as the index
// reads it: full- and half-width forms alike, no match across paragraphs.
func ExampleQuery_Matches() {
	a := &sppcrawl.Article{Title: "检例第５７号", Paragraphs: []string{"认罪认罚", "从宽"}}
	for _, s := range []string{"检例第57号", "认罪认罚从宽", "认罪认罚 从宽", "认罪认罚 -从宽"} {
		q, _ := search.ParseQuery(s)
		fmt.Printf("%s: %t\n", s, q.Matches(a))
	}
	// Output:
	// 检例第57号: true
	// 认罪认罚从宽: false
	// 认罪认罚 从宽: true
	// 认罪认罚 -从宽: false
}

// An index beside an archive: caught up with what the archive stored,
// then searched, with snippets marking the exact span found.
func ExampleIndex_Search() {
	dir, _ := os.MkdirTemp("", "sppcrawl-example")
	defer os.RemoveAll(dir)
	archive := filepath.Join(dir, "archive.db")
	db, err := store.Open(archive, store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	for i, text := range []string{"某某受贿案", "某某贪污案", "依法惩治受贿犯罪"} {
		url := fmt.Sprintf("https://www.spp.gov.cn/spp/xwfbh/202608/t20260805_%d.shtml", i+1)
		a := &sppcrawl.Article{ID: fmt.Sprintf("spp-%d", i+1), URL: url, ChannelPath: sites.Default().ChannelPath(url),
			Title: fmt.Sprintf("第%d篇", i+1), PublishedAt: time.Date(2026, 8, 5+i, 9, 0, 0, 0, sppcrawl.CST()),
			Paragraphs: []string{text}, Aliases: []string{}, Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{}}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	ix, err := search.Open(search.PathFor(archive), search.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()
	if _, err := ix.CatchUp(ctx, db, nil); err != nil {
		fmt.Println(err)
		return
	}
	res, err := ix.Search(ctx, db, search.Request{Query: "受贿"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Total, "results, newest first")
	for _, h := range res.Results {
		fmt.Println(h.ID, h.PublishedAt.Format(time.DateOnly), h.Snippets[0].HTML, h.Snippets[0].Match)
	}
	// Output:
	// 2 results, newest first
	// spp-3 2026-08-07 依法惩治<mark>受贿</mark>犯罪 [[4 6]]
	// spp-1 2026-08-05 某某<mark>受贿</mark>案 [[2 4]]
}
