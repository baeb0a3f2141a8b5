package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/store"
)

func apiTestServer(t testing.TB, db *store.DB) *httptest.Server {
	srv := httptest.NewServer(newAPIServer(db, slog.New(slog.DiscardHandler)).handler())
	t.Cleanup(srv.Close)
	return srv
}

type page struct {
	Articles  []*extract.Article `json:"articles"`
	NextSince uint64             `json:"next_since"`
}

func getPage(t testing.TB, url string) page {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	var p page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// A puller that pages with since gets every article exactly once, new ones
// added between pulls included, and an updated one once more.
func TestServe_PagingExactlyOnce(t *testing.T) {
	db, _ := openTestDB(t)
	srv := apiTestServer(t, db)
	seed(t, db, 0, 25)
	seen := map[string]int{} // id@version → times
	ids := map[string]bool{}
	var since uint64
	added := 25
	for pull := 0; pull < 30; pull++ {
		p := getPage(t, fmt.Sprintf("%s/api/articles?since=%d&limit=7", srv.URL, since))
		for _, a := range p.Articles {
			seen[fmt.Sprintf("%s@%d", a.ID, a.Version)]++
			ids[a.ID] = true
		}
		if len(p.Articles) == 0 && added >= 40 {
			break
		}
		since = p.NextSince
		if added < 40 { // the site publishes while downstream pulls
			seed(t, db, added, added+3)
			added += 3
		}
		if pull == 2 { // and corrects an article already pulled
			a := testArticle(1)
			a.Paragraphs = append(a.Paragraphs, "（更正）")
			a.ContentHash = a.ComputeHash()
			if res, err := db.Upsert(context.Background(), a, nil); err != nil || res.Outcome != extract.Updated {
				t.Fatalf("update: %v %v", res, err)
			}
		}
	}
	if len(ids) != added {
		t.Errorf("pulled %d distinct articles, %d exist", len(ids), added)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s pulled %d times", k, n)
		}
	}
	if seen["spp-700001@2"] != 1 {
		t.Error("the corrected article was not pulled again")
	}
}

func TestServe_ConditionalAndErrors(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 5)
	srv := apiTestServer(t, db)
	for _, path := range []string{"/api/articles?limit=2", "/api/articles/spp-700001", "/api/articles/spp-700001/repost", "/feed.atom", "/feed.rss?channel=tt", "/feed.json"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" {
			t.Fatalf("%s: %d, etag %q", path, resp.StatusCode, etag)
		}
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", path, resp.StatusCode)
		}
	}
	// A change in the archive invalidates the list's ETag.
	resp, _ := http.Get(srv.URL + "/api/articles?limit=2")
	etag := resp.Header.Get("ETag")
	resp.Body.Close()
	seed(t, db, 5, 6)
	req, _ := http.NewRequest("GET", srv.URL+"/api/articles?limit=2", nil)
	req.Header.Set("If-None-Match", etag)
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after a change: %d, want 200", resp.StatusCode)
	}

	for _, c := range []struct {
		path string
		code int
	}{
		{"/api/articles?since=-1", 400}, {"/api/articles?since=abc", 400}, {"/api/articles?since=1.5", 400},
		{"/api/articles?limit=0", 400}, {"/api/articles?limit=1001", 400}, {"/api/articles?limit=1000", 200},
		{"/api/articles/..%2fx", 400}, {"/api/articles/%2e%2e", 400}, {"/api/articles/spp-1%3Bdrop", 400},
		{"/api/articles/SPP-1", 400}, {"/api/articles/spp-999", 404}, {"/api/articles/spp-999/repost", 404},
		{"/feed.atom?channel=nope", 400}, {"/nothing", 404},
	} {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.code)
		}
		if c.code >= 400 && body["error"] == "" {
			t.Errorf("%s: no JSON error", c.path)
		}
	}
	// Nothing changes data.
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		req, _ := http.NewRequest(m, srv.URL+"/api/articles", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, resp.StatusCode)
		}
	}
}

func TestServe_RepostAndMetrics(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 4)
	db.PutRun(context.Background(), extract.RunSummary{Started: time.Now().Add(-time.Second), Finished: time.Now(), Outcome: "ok", Created: 4})
	srv := apiTestServer(t, db)
	resp, _ := http.Get(srv.URL + "/api/articles/spp-700003/repost")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	html := string(b)
	a := testArticle(3)
	for _, want := range []string{"应勇强调", "发布时间：2026-01-01 12:00", "来源：高检网", "原文链接：<a href=\"" + a.URL + "\">", "<p>第3篇，第一段。</p>", "&#34;引号&#34; &amp; &lt;符号&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("repost lacks %q:\n%s", want, html)
		}
	}
	resp, _ = http.Get(srv.URL + "/metrics")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"sppcrawl_articles 4", `sppcrawl_channel_articles{channel="/spp/tt/"} 2`, "sppcrawl_last_crawl_success 1", `sppcrawl_http_requests_total{route="/api/articles/{id}/repost",code="200"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/articles", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, _ = http.DefaultTransport.RoundTrip(req)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Error("no gzip for a client that accepts it")
	}
}

// 50 clients pull while a crawl writes (run with -race).
func TestServe_ParallelClientsDuringCrawl(t *testing.T) {
	db, _ := openTestDB(t)
	site := siteServer(t)
	srv := apiTestServer(t, db)
	c, err := crawler.New(crawler.Config{Origin: site.URL, Full: true, Parallel: 4, Logger: slog.New(slog.DiscardHandler)}, db)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var crawlErr error
	go func() {
		defer close(done)
		_, crawlErr = c.Run(context.Background())
	}()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			var since uint64
			seen := map[string]bool{}
			for {
				select {
				case <-done:
					// one last pull after the crawl
					p := getPage(t, fmt.Sprintf("%s/api/articles?since=%d&limit=1000", srv.URL, since))
					for _, a := range p.Articles {
						seen[a.ID] = true
					}
					if n, _ := db.Count(context.Background()); len(seen) != n {
						t.Errorf("client %d saw %d articles, archive has %d", i, len(seen), n)
					}
					return
				default:
				}
				p := getPage(t, fmt.Sprintf("%s/api/articles?since=%d&limit=%d", srv.URL, since, 5+i))
				for _, a := range p.Articles {
					if seen[a.ID] || a.Seq <= since {
						t.Errorf("client %d: %s (seq %d) again after %d", i, a.ID, a.Seq, since)
					}
					seen[a.ID] = true
					since = a.Seq
				}
				since = p.NextSince
				time.Sleep(time.Millisecond)
			}
		})
	}
	wg.Wait()
	if crawlErr != nil {
		t.Fatal(crawlErr)
	}
}
