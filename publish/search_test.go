package publish_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"sppcrawl/internal/searchtest"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
)

// searchServer serves an archive of n articles with its search index.
func searchServer(t *testing.T, n int) (*httptest.Server, *store.DB) {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	seed(t, db, 0, n)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix}).Handler())
	t.Cleanup(srv.Close)
	return srv, db
}

type searchPage struct {
	Total      int                       `json:"total"`
	Results    []map[string]any          `json:"results"`
	Facets     map[string][]search.Facet `json:"facets"`
	NextCursor string                    `json:"next_cursor"`
	Error      string                    `json:"error"`
}

func getSearch(t *testing.T, base string, v url.Values) (int, searchPage, http.Header) {
	t.Helper()
	resp, err := http.Get(base + "/api/search?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p searchPage
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, p, resp.Header
}

// Paging by cursor reaches every result once, in order, with exact totals
// and facets on every page; the answer has an ETag that a client can send
// back for a 304.
func TestSearch_PagesAndFacets(t *testing.T) {
	srv, _ := searchServer(t, 95)
	seen := map[string]bool{}
	v := url.Values{"q": {"指导性案例"}, "limit": {"20"}, "facets": {"channel,year,kind"}}
	pages := 0
	for {
		code, p, h := getSearch(t, srv.URL, v)
		if code != 200 || p.Total != 95 {
			t.Fatalf("page %d: %d, total %d (%s)", pages, code, p.Total, p.Error)
		}
		sum := 0
		for _, f := range p.Facets["channel"] {
			sum += f.Count
		}
		if sum != 95 || len(p.Facets["year"]) != 1 || p.Facets["year"][0].Count != 95 {
			t.Errorf("facets %+v: want counts of all 95", p.Facets)
		}
		for _, r := range p.Results {
			id := r["id"].(string)
			if seen[id] {
				t.Errorf("%s twice", id)
			}
			seen[id] = true
		}
		pages++
		if h.Get("ETag") == "" {
			t.Error("no ETag")
		}
		if p.NextCursor == "" {
			break
		}
		v.Set("cursor", p.NextCursor)
	}
	if len(seen) != 95 || pages != 5 {
		t.Errorf("%d results in %d pages, want 95 in 5", len(seen), pages)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/search?q=%E7%AC%AC", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match of the ETag: %d, want 304", resp.StatusCode)
	}
}

// A hostile query string is never engine syntax and never echoed as
// markup; bad parameters are 400 with the reason.
func TestSearch_BadInput(t *testing.T) {
	srv, _ := searchServer(t, 10)
	for _, tc := range []struct {
		v    url.Values
		want string
	}{
		{url.Values{}, "the query is empty"},
		{url.Values{"q": {`"第一段`}}, "quote at character 1"},
		{url.Values{"q": {"第"}, "from": {"yesterday"}}, `from "yesterday" is not a date`},
		{url.Values{"q": {"第"}, "channel": {"nope"}}, `channel "nope"`},
		{url.Values{"q": {"第"}, "kind": {"law"}}, `kind "law"`},
		{url.Values{"q": {"第"}, "limit": {"5000"}}, "limit"},
		{url.Values{"q": {"第"}, "cursor": {"garbage"}}, "cursor"},
		{url.Values{"q": {"第"}, "format": {"xml"}}, "format"},
		{url.Values{"q": {strings.Repeat("第", 300)}}, "at most 256"},
	} {
		code, p, h := getSearch(t, srv.URL, tc.v)
		if code != 400 || !strings.Contains(p.Error, tc.want) {
			t.Errorf("%v: %d %q, want 400 saying %q", tc.v, code, p.Error, tc.want)
		}
		if h.Get("ETag") != "" {
			t.Errorf("%v: a 400 with an ETag", tc.v)
		}
	}
	// FTS5's own syntax is text: it finds what contains it, here nothing.
	for _, q := range []string{`第 NEAR(一段)`, `title:* OR "x"`, `{title}: 第`, `^第`, `第*`} {
		code, p, _ := getSearch(t, srv.URL, url.Values{"q": {q}})
		if code != 200 || p.Total != 0 {
			t.Errorf("%q: %d, total %d (%s): engine syntax must be text", q, code, p.Total, p.Error)
		}
	}
	code, p, _ := getSearch(t, srv.URL, url.Values{"q": {"<符号>"}})
	if code != 200 || p.Total != 10 {
		t.Fatalf("<符号>: %d total %d", code, p.Total)
	}
	html := p.Results[0]["snippets"].([]any)[0].(map[string]any)["html"].(string)
	if !strings.Contains(html, "<mark>&lt;符号&gt;</mark>") {
		t.Errorf("snippet html %q: the match is not escaped and marked", html)
	}
}

// format=jsonl and csv stream the whole result set in the export's schema.
func TestSearch_Streams(t *testing.T) {
	srv, _ := searchServer(t, 30)
	resp, err := http.Get(srv.URL + "/api/search?q=" + url.QueryEscape("第一段") + "&format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			ID         string   `json:"id"`
			Paragraphs []string `json:"paragraphs"`
			Current    bool     `json:"current"`
			Snippets   []search.Snippet
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.ID == "" || len(line.Paragraphs) == 0 || !line.Current || len(line.Snippets) == 0 {
			t.Errorf("line %+v: want the article whole, current, with snippets", line)
		}
		n++
	}
	resp.Body.Close()
	if n != 30 || resp.Header.Get("X-Sppcrawl-Total") != "30" {
		t.Errorf("jsonl: %d lines, total header %q; want 30", n, resp.Header.Get("X-Sppcrawl-Total"))
	}
	resp, err = http.Get(srv.URL + "/api/search?q=" + url.QueryEscape("第一段") + "&format=csv&limit=7")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\uFEFF"))).ReadAll()
	// The result's own columns keep their places after the export's of
	// earlier releases; site, added later, comes last.
	if h := rows[0]; err != nil || len(rows) != 8 || h[0] != "id" || h[len(h)-3] != "current" || h[len(h)-2] != "snippet" || h[len(h)-1] != "site" || rows[1][len(h)-1] != "www.spp.gov.cn" {
		t.Errorf("csv: %d rows, %v (header %v)", len(rows), err, rows[0])
	}
}

// A saved search is a feed: the newest matching articles.
func TestSearch_Feed(t *testing.T) {
	srv, _ := searchServer(t, 80)
	resp, err := http.Get(srv.URL + "/feed.atom?q=" + url.QueryEscape("第7") + "&channel=jczdal")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := gofeed.NewParser().Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	// 第7篇, 第70…79篇 in jczdal (every third article): 7, 70, 73, 76, 79.
	if len(f.Items) != 5 || !strings.Contains(f.Title, "第7") {
		t.Errorf("feed %q: %d items, want 5", f.Title, len(f.Items))
	}
	for i := 1; i < len(f.Items); i++ {
		if f.Items[i].PublishedParsed.After(*f.Items[i-1].PublishedParsed) {
			t.Errorf("item %d is newer than the one before", i)
		}
	}
}

// A search index whose file is damaged: /api/search answers 503 with the
// reason and Retry-After (no 500), and /healthz is degraded saying why.
func TestSearch_DamagedIndex(t *testing.T) {
	db, ix := searchtest.Damaged(t, 60)
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix}).Handler())
	defer srv.Close()

	code, p, h := getSearch(t, srv.URL, url.Values{"q": {"检察院"}})
	if code != http.StatusServiceUnavailable || !strings.Contains(p.Error, "damaged") || h.Get("Retry-After") == "" {
		t.Errorf("search: %d %q, Retry-After %q", code, p.Error, h.Get("Retry-After"))
	}
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var health publish.Health
	json.NewDecoder(resp.Body).Decode(&health)
	if health.Status != "degraded" || !strings.Contains(strings.Join(health.Reasons, " "), "damaged") {
		t.Errorf("health %+v", health)
	}
}
