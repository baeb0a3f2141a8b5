package publish_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"

	"sppcrawl/crawler"
	"sppcrawl/publish"
	"sppcrawl/store"
)

func apiTestServer(t testing.TB, db publish.Reader) *httptest.Server {
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

type page struct {
	Articles  []*sppcrawl.Article `json:"articles"`
	NextSince uint64              `json:"next_since"`
}

func getPage(t testing.TB, url string) page {
	t.Helper()
	p, err := fetchPage(url)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fetchPage is getPage for goroutines, which must not call t.Fatal.
func fetchPage(url string) (page, error) {
	var p page
	resp, err := http.Get(url)
	if err != nil {
		return p, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return p, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return p, json.NewDecoder(resp.Body).Decode(&p)
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
			if res, err := db.Upsert(context.Background(), a, nil); err != nil || res.Outcome != sppcrawl.Updated {
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
	db.PutRun(context.Background(), sppcrawl.RunSummary{Started: time.Now().Add(-time.Second), Finished: time.Now(), Outcome: "ok", Created: 4})
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
	for _, want := range []string{"sppcrawl_articles 4", `sppcrawl_channel_articles{channel="/spp/tt/",site="www.spp.gov.cn"} 2`, `sppcrawl_site_articles{site="www.spp.gov.cn"} 4`, "sppcrawl_last_crawl_success 1", `sppcrawl_http_requests_total{code="200",route="/api/articles/{id}/repost"} 1`, "go_goroutines", "process_resident_memory_bytes", `sppcrawl_store_upserts_total{outcome="created"} 4`} {
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

// Clients pull while a crawl writes (run with -race): each gets every
// article, in seq order, never a seq twice. An article may come again
// under a later seq: a cross-post met first in 头条 moves to its own
// channel's URL when that list is read, an update of its own.
func TestServe_ParallelClientsDuringCrawl(t *testing.T) {
	db, _ := openTestDB(t)
	site := httptest.NewServer(http.FileServer(http.Dir("../testdata/site")))
	t.Cleanup(site.Close)
	srv := apiTestServer(t, db)
	c, err := crawler.New(crawler.Config{Origin: site.URL, Full: true, Parallel: 4}, db)
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
	for i := range 8 {
		wg.Go(func() {
			var since uint64
			seen := map[string]bool{}
			pull := func(limit int) bool {
				p, err := fetchPage(fmt.Sprintf("%s/api/articles?since=%d&limit=%d", srv.URL, since, limit))
				if err != nil {
					t.Errorf("client %d: %v", i, err)
					return false
				}
				for _, a := range p.Articles {
					if a.Seq <= since {
						t.Errorf("client %d: %s (seq %d) again after %d", i, a.ID, a.Seq, since)
						return false
					}
					seen[a.ID] = true
					since = a.Seq
				}
				since = p.NextSince
				return true
			}
			for {
				select {
				case <-done:
					// one last pull after the crawl
					if pull(1000) {
						if n, _ := db.Count(context.Background()); len(seen) != n {
							t.Errorf("client %d saw %d articles, archive has %d", i, len(seen), n)
						}
					}
					return
				default:
				}
				if !pull(5 + i) {
					return
				}
			}
		})
	}
	wg.Wait()
	if crawlErr != nil {
		t.Fatal(crawlErr)
	}
}

// Every answer has nosniff; the repost page has a CSP without script;
// gzip follows the client's q-values; /metrics and /healthz are never cached.
func TestServe_Headers(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 30)
	srv := apiTestServer(t, db)
	get := func(path, acceptEncoding string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, p := range []string{"/api/articles", "/api/articles/spp-700001", "/api/articles/spp-700001/repost", "/feed.atom", "/healthz", "/metrics", "/nothing", "/api/articles?limit=0"} {
		if got := get(p, "").Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", p, got)
		}
	}
	csp := get("/api/articles/spp-700001/repost", "").Header.Get("Content-Security-Policy")
	if csp != "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'" {
		t.Errorf("repost CSP %q", csp)
	}
	for _, c := range []struct {
		ae   string
		gzip bool
	}{
		{"gzip", true}, {"gzip;q=0", false}, {"gzip; q=0.0, identity", false}, {"br;q=1, gzip;q=0.5", true},
		{"identity", false}, {"*;q=0", false}, {"deflate", false}, {"GZIP;Q=1", true},
	} {
		resp := get("/api/articles?limit=20", c.ae)
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", c.ae, got, c.gzip)
		}
	}
	// An ETag from a gzip answer validates the identity answer and back.
	etag := get("/api/articles/spp-700001", "gzip").Header.Get("ETag")
	req, _ := http.NewRequest("GET", srv.URL+"/api/articles/spp-700001", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, _ := http.DefaultTransport.RoundTrip(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("ETag %s of the gzip answer: %d on identity, want 304", etag, resp.StatusCode)
	}
	for _, p := range []string{"/metrics", "/healthz"} {
		if got := get(p, "gzip").Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", p, got)
		}
	}
}

func healthOf(t *testing.T, srv *httptest.Server) (int, publish.Health) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h publish.Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, h
}

// /healthz is 503 after a crawl that ended in an error or a block, and when
// serve crawls but no crawl finished within three intervals.
func TestServe_Healthz(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, 0, 3)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	plain := httptest.NewServer(publish.NewServer(db, publish.Options{Now: clock}).Handler())
	defer plain.Close()
	if code, h := healthOf(t, plain); code != 200 || h.Status != "ok" || h.Articles != 3 {
		t.Errorf("no crawl yet, no --crawl-every: %d %+v", code, h)
	}
	for _, c := range []struct {
		outcome sppcrawl.RunOutcome
		code    int
	}{{"ok", 200}, {"failures", 200}, {"interrupted", 200}, {"error", 503}, {"blocked", 503}} {
		db.PutRun(ctx, sppcrawl.RunSummary{Started: now.Add(-time.Minute), Finished: now, Outcome: c.outcome, Error: "why"})
		code, h := healthOf(t, plain)
		if code != c.code {
			t.Errorf("last crawl %s: %d, want %d", c.outcome, code, c.code)
		}
		if c.code == 503 && (h.Status != "failing" || len(h.Reasons) == 0 || !strings.Contains(h.Reasons[0], string(c.outcome))) {
			t.Errorf("last crawl %s: %+v", c.outcome, h)
		}
	}
	db.PutRun(ctx, sppcrawl.RunSummary{Started: now.Add(-31 * time.Minute), Finished: now.Add(-30 * time.Minute), Outcome: "ok"})
	crawling := httptest.NewServer(publish.NewServer(db, publish.Options{Now: clock, CrawlEvery: 10 * time.Minute}).Handler())
	defer crawling.Close()
	if code, _ := healthOf(t, crawling); code != 200 {
		t.Errorf("crawl finished exactly 3 intervals ago: %d, want 200", code)
	}
	now = now.Add(time.Second)
	if code, h := healthOf(t, crawling); code != 503 || !strings.Contains(h.Reasons[0], "--crawl-every") {
		t.Errorf("no crawl within 3 intervals: %d %+v", code, h)
	}
	if code, _ := healthOf(t, plain); code != 200 {
		t.Errorf("an old crawl without --crawl-every: %d, want 200", code)
	}
}

// The gzip answer of /api/articles, spliced from stored chunks, holds
// exactly the bytes of the identity answer, for articles stored compressed
// and for those sppcrawl 0.1 stored as plain JSON.
func TestServe_GzipSpliceEqualsIdentity(t *testing.T) {
	old := filepath.Join(t.TempDir(), "v1.db")
	b, err := os.ReadFile("../testdata/archive/v1.db")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(old, b, 0o644)
	legacy, err := store.Open(old, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer legacy.Close()
	fresh, _ := openTestDB(t)
	seed(t, fresh, 0, 40)
	// A backend without stored chunks (no sppcrawl.ChunkReader) answers
	// the same bytes, its chunks compressed per request.
	noChunks := struct{ publish.Reader }{fresh}
	for name, db := range map[string]publish.Reader{"0.1 archive": legacy, "compressed": fresh, "no chunk reader": noChunks} {
		srv := apiTestServer(t, db)
		qs := []string{"?limit=1", "?limit=7&since=3", "?limit=1000", "?since=99999"}
		if db != legacy {
			qs = append(qs, "/"+testArticle(5).ID)
		}
		for _, q := range qs {
			fetch := func(enc string) []byte {
				req, _ := http.NewRequest("GET", srv.URL+"/api/articles"+q, nil)
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var body io.Reader = resp.Body
				if enc != "" {
					if resp.Header.Get("Content-Encoding") != "gzip" {
						t.Fatalf("%s %s: not gzip", name, q)
					}
					zr, err := gzip.NewReader(resp.Body)
					if err != nil {
						t.Fatal(err)
					}
					zr.Multistream(false)
					body = zr
				}
				out, err := io.ReadAll(body)
				if err != nil {
					t.Fatalf("%s %s: %v", name, q, err)
				}
				return out
			}
			plain, gz := fetch(""), fetch("gzip")
			if !bytes.Equal(plain, gz) || !json.Valid(plain) {
				t.Errorf("%s %s: gzip answer (%d bytes) differs from identity (%d bytes)", name, q, len(gz), len(plain))
			}
		}
	}
}
