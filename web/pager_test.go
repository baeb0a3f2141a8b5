package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// newPagedSite serves an archive of n articles spread over three channels
// (testarchive.Seed), with its search index.
func newPagedSite(t *testing.T, n int) (*httptest.Server, *store.DB) {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, n)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	pages := web.New(db, web.Options{Index: ix, Version: "test", Now: func() time.Time { return today }})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, Pages: pages.Handler()}).Handler())
	t.Cleanup(srv.Close)
	return srv, db
}

var relLink = regexp.MustCompile(`<a href="([^"]*)" rel="(first|prev|next)"`)

// links are a page's first, prev and next links.
func links(page string) map[string]string {
	out := map[string]string{}
	for _, m := range relLink.FindAllStringSubmatch(page, -1) {
		out[m[2]] = html.UnescapeString(m[1])
	}
	return out
}

// Paged by cursor, a search and a channel's list say where the reader is
// and link back: page 2's previous is page 1, page 3's previous is page 2
// (the back-stack), every page past the first links the first, the last
// links no next.
func TestPaging_Cursor(t *testing.T) {
	srv, _ := newPagedSite(t, 186) // 62 articles in each channel
	for _, tc := range []struct {
		name, first string
		want        []string // each page's position
	}{
		{"search", "/search?channel=tt&q=" + url.QueryEscape("第一段"),
			[]string{"第 1–20 条 / 共 62 条", "第 21–40 条 / 共 62 条", "第 41–60 条 / 共 62 条", "第 61–62 条 / 共 62 条"}},
		{"channel", "/search?channel=tt", []string{"第 1–30 条 / 共 62 条", "第 31–60 条 / 共 62 条", "第 61–62 条 / 共 62 条"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, seen := tc.first, []string{}
			for i, want := range tc.want {
				code, page, _ := get(t, srv.URL+path)
				if code != http.StatusOK || !strings.Contains(page, want) {
					t.Fatalf("page %d (%s): %d, no %q", i+1, path, code, want)
				}
				l := links(page)
				if i > 0 && (l["first"] != tc.first || l["prev"] != seen[i-1]) {
					t.Errorf("page %d: first %q, prev %q; want %q, %q", i+1, l["first"], l["prev"], tc.first, seen[i-1])
				}
				if i == 0 && (l["first"] != "" || l["prev"] != "") {
					t.Errorf("page 1 links back: %v", l)
				}
				seen = append(seen, path)
				if path = l["next"]; (path == "") != (i == len(tc.want)-1) {
					t.Fatalf("page %d: next %q", i+1, path)
				}
			}
		})
	}
}

// A page after a list's last is a 404 that links the last, on every paged
// page; a page number that is none is a 400.
func TestPaging_PastTheEnd(t *testing.T) {
	srv, db := newPagedSite(t, 30)
	if err := db.MarkSeen(context.Background(), "/spp/tt/", []sppcrawl.Seen{{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_1.shtml", Title: "列表上的标题"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/cases?page=99999", 404, "没有第 99999 页"},
		{"/cases?page=2", 404, `href="/cases"`},
		{"/documents?page=3", 404, "没有第 3 页"},
		{"/channels/tt/gaps?page=2", 404, `href="/channels/tt/gaps"`},
		{"/channels/tt/gaps", 200, "第 1–1 条 / 共 1 条"},
		{"/channels/tt/gaps", 200, `rel="noopener noreferrer">列表上的标题</a>`},
		{"/search?channel=tt&before=1&page=2", 404, "没有第 2 页"},
		{"/cases?page=x", 400, "不是页码"},
		{"/search?channel=tt&page=99999", 404, "没有第 99999 页：共 1 页"},
		{"/search?q=%E7%AC%AC&page=3", 404, "没有第 3 页：共 2 页"},
		{"/search?q=%E7%AC%AC&page=2", 200, "第 1–20 条 / 共 30 条"}, // by number alone: from the first page
		{"/search?q=%E7%AC%AC&page=x", 400, "翻页参数"},
		{"/search?q=a&cursor=AAAA&page=1", 400, "翻页参数"},
	} {
		code, page, _ := get(t, srv.URL+tc.path)
		if code != tc.code || !strings.Contains(page, tc.want) {
			t.Errorf("%s: %d, want %d with %q", tc.path, code, tc.code, tc.want)
		}
	}
}
