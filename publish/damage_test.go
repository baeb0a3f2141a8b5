package publish_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/publish"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// seededFile is an archive file of 12 articles (closed).
func seededFile(t *testing.T) string {
	t.Helper()
	db, path := openTestDB(t)
	seed(t, db, 0, 12)
	db.Close()
	return path
}

func get(t *testing.T, url string, gz bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s: %v (the server must answer)", url, err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: body: %v", url, err)
	}
	return resp, string(b)
}

// One record that does not decode is left out of every answer and named;
// every other article is served, and /healthz is degraded saying so.
func TestServe_OneBadRecord(t *testing.T) {
	path := seededFile(t)
	storetest.CorruptArticle(t, path, 5)
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := apiTestServer(t, db)
	for _, gz := range []bool{true, false} {
		resp, body := get(t, srv.URL+"/api/articles?limit=100", gz)
		var p struct {
			Articles  []json.RawMessage `json:"articles"`
			NextSince uint64            `json:"next_since"`
			Skipped   []string          `json:"skipped"`
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != 200 {
			t.Fatalf("gzip %v: %d %v\n%s", gz, resp.StatusCode, err, body)
		}
		if len(p.Articles) != 11 || p.NextSince != 12 || len(p.Skipped) != 1 || p.Skipped[0] != "seq 5" ||
			!strings.Contains(resp.Header.Get("X-Sppcrawl-Skipped"), "seq 5") {
			t.Errorf("gzip %v: %d articles, next %d, skipped %v, header %q", gz, len(p.Articles), p.NextSince, p.Skipped, resp.Header.Get("X-Sppcrawl-Skipped"))
		}
	}
	for _, path := range []string{"/feed.atom", "/feed.rss?channel=jczdal", "/api/cases"} {
		if resp, _ := get(t, srv.URL+path, true); resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	resp, body := get(t, srv.URL+"/healthz", false)
	var h publish.Health
	json.Unmarshal([]byte(body), &h)
	if resp.StatusCode != 200 || h.Status != "degraded" || !strings.Contains(strings.Join(h.Reasons, " "), "verify --repair") {
		t.Errorf("healthz: %d %+v", resp.StatusCode, h)
	}
}

// A damaged file is served all the same: every request is answered, with
// the reason, and /healthz is 503.
func TestServe_DamagedFile(t *testing.T) {
	path := seededFile(t)
	cut := filepath.Join(t.TempDir(), "cut.db")
	storetest.Truncate(t, path, cut)
	db, err := store.Open(cut, store.Options{ReadOnly: true, Salvage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := apiTestServer(t, db)
	resp, body := get(t, srv.URL+"/healthz", false)
	if resp.StatusCode != 503 || !strings.Contains(body, "archive damaged") {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/api/articles", "/api/articles/spp-700001", "/feed.atom", "/api/cases", "/metrics"} {
		resp, body := get(t, srv.URL+path, true)
		if resp.StatusCode >= 500 && !strings.Contains(body, "archive damaged") {
			t.Errorf("%s: %d without the reason: %s", path, resp.StatusCode, body)
		}
	}
}

// A single article in gzip is its stored chunk spliced: the same bytes as
// the identity answer once inflated, one ETag for both, 304 on it; a
// cached feed is never stale: a change of the archive renders it anew.
func TestServe_SplicedArticleAndCachedFeed(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 5)
	srv := apiTestServer(t, db)
	gz, gzBody := get(t, srv.URL+"/api/articles/spp-700002", true)
	plain, plainBody := get(t, srv.URL+"/api/articles/spp-700002", false)
	if gz.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" || gzBody != plainBody ||
		gz.Header.Get("ETag") == "" || gz.Header.Get("ETag") != plain.Header.Get("ETag") {
		t.Fatalf("gzip %v / identity %v differ", gz.Header, plain.Header)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/articles/spp-700002", nil)
	req.Header.Set("If-None-Match", gz.Header.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %v %v", resp, err)
	}
	_, before := get(t, srv.URL+"/feed.atom", true)
	a := testArticle(9)
	a.Title = "新发布的一篇"
	a.ContentHash = a.ComputeHash()
	if _, err := db.Upsert(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	_, after := get(t, srv.URL+"/feed.atom", true)
	if before == after || !strings.Contains(after, "新发布的一篇") {
		t.Error("the feed did not change with the archive")
	}
}
