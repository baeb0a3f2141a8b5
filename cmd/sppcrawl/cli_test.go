package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

func countArticles(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, _ := db.Count(context.Background())
	return n
}

func TestCLI_CrawlExitCodes(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	base := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--parallel", "4", "--log-level", "error"}
	if code := run(append(base, "--full", "--channels", "jczdal,gzbg")); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	if n := countArticles(t, path); n != 62+4 {
		t.Errorf("stored %d, want 66", n)
	}
	// A second crawl while the archive is held: exit 4, fast.
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code := run(append(base, "--lock-timeout", "200ms")); code != exitLocked {
		t.Errorf("crawl on a held archive: exit %d, want %d", code, exitLocked)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("locked crawl did not fail fast")
	}
	db.Close()
	if code := run(append(base, "--channels", "nope")); code != exitUsage {
		t.Errorf("unknown channel: exit %d, want %d", code, exitUsage)
	}
	if code := run(append(base, "--since", "yesterday")); code != exitUsage {
		t.Errorf("bad --since: exit %d, want %d", code, exitUsage)
	}
}

func TestCLI_CrawlChallenged(t *testing.T) {
	challenge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<html><script>document.cookie="__jsl_clearance=1";location.href=location.href</script></html>`)
	}))
	defer challenge.Close()
	path := filepath.Join(t.TempDir(), "a.db")
	code := run([]string{"crawl", "--db", path, "--origin", challenge.URL, "--delay", "0", "--full", "--log-level", "error"})
	if code != exitBlocked {
		t.Errorf("challenged crawl: exit %d, want %d", code, exitBlocked)
	}
	if n := countArticles(t, path); n != 0 {
		t.Errorf("%d articles stored from a challenge", n)
	}
}

func TestCLI_FetchDryRunAndOffSite(t *testing.T) {
	var requests atomic.Int64
	files := http.FileServer(http.Dir("../../testdata/site"))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		files.ServeHTTP(w, r)
	}))
	defer site.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	u := "https://www.spp.gov.cn/spp/jczdal/202611/t20261102_850006.shtml"

	// --dry-run on an archive that does not exist yet creates nothing.
	if code := run([]string{"fetch", "--dry-run", "--db", path, "--origin", site.URL, u}); code != exitOK {
		t.Fatalf("fetch --dry-run: exit %d", code)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("fetch --dry-run created the archive: %v", err)
	}
	if code := run([]string{"fetch", "--db", path, "--origin", site.URL, u}); code != exitOK {
		t.Fatalf("fetch: exit %d", code)
	}
	if n := countArticles(t, path); n != 1 {
		t.Fatalf("fetch stored %d articles, want 1", n)
	}
	// --dry-run on an existing archive changes nothing.
	before, _ := os.ReadFile(path)
	if code := run([]string{"fetch", "--dry-run", "--diff", "--db", path, "--origin", site.URL, u}); code != exitOK {
		t.Fatalf("fetch --dry-run: exit %d", code)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("fetch --dry-run changed the archive file")
	}

	requests.Store(0)
	if code := run([]string{"fetch", "--db", path, "--origin", site.URL, "https://evil.example.com/spp/tt/202601/t20260101_1.shtml"}); code != exitUsage {
		t.Errorf("off-site fetch: exit %d, want %d", code, exitUsage)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("off-site fetch made %d requests", n)
	}
}

func TestCLI_Extract(t *testing.T) {
	if code := run([]string{"extract", "--format", "text", "../../testdata/pages/detail-current.html"}); code != exitOK {
		t.Errorf("extract: exit %d", code)
	}
	if code := run([]string{"extract", "../../testdata/pages/list-first.html"}); code != exitFailures {
		t.Errorf("extract of a list page: exit %d, want 1", code)
	}
	if code := run([]string{"extract", "../../testdata/pages/nope.html"}); code != exitFailures {
		t.Errorf("extract of a missing file: exit %d, want 1", code)
	}
	if code := run([]string{"extract"}); code != exitUsage {
		t.Errorf("extract without a file: exit %d, want 2", code)
	}
}

// reextract rebuilds articles from their raw pages: an article stored by an
// older (here: simulated) extractor comes back corrected, as one update.
func TestCLI_Reextract(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--full", "--channels", "gzbg", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	arts, _ := db.Since(ctx, 0, 10)
	stale := *arts[0]
	stale.Paragraphs = append([]string{"[责任编辑：旧版提取器漏删的一行]"}, stale.Paragraphs...)
	stale.ContentHash = stale.ComputeHash()
	if res, err := db.Upsert(ctx, &stale, nil); err != nil || res.Outcome.String() != "updated" {
		t.Fatalf("simulate a stale extraction: %v %v", res, err)
	}
	db.Close()

	if code := run([]string{"reextract", "--db", path, "--log-level", "error"}); code != exitOK {
		t.Fatalf("reextract: exit %d", code)
	}
	db, err = store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Get(ctx, stale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentHash != arts[0].ContentHash || got.Version != 3 {
		t.Errorf("after reextract: v%d hash %s, want v3 with the original content", got.Version, got.ContentHash)
	}
	if n, _ := db.Count(ctx); n != 4 {
		t.Errorf("%d articles after reextract, want 4", n)
	}
}

// captureStdout runs f with os.Stdout going to a pipe and returns what f wrote.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	f()
	w.Close()
	os.Stdout = old
	return string(<-done)
}

// sppcrawl extract on the real saved pages (skipped without ../shared/realpages).
func TestCLI_ExtractRealPages(t *testing.T) {
	const dir = "../../../shared/realpages/"
	detail, list := dir+"spp-jczdal-detail-t20260805_733868.html", dir+"spp-jczdal-list-index.html"
	if _, err := os.Stat(detail); err != nil {
		t.Skip("../shared/realpages absent")
	}
	var code int
	out := captureStdout(t, func() { code = run([]string{"extract", detail}) })
	var a extract.Article
	if err := json.Unmarshal([]byte(out), &a); err != nil || code != exitOK {
		t.Fatalf("extract: exit %d, %v", code, err)
	}
	if a.ID != "spp-733868" || a.URL != "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml" ||
		a.Title != "第六十三批指导性案例" || a.Source != "高检网" || a.Editor != "贾欣然" ||
		a.PublishedAt.Format(time.RFC3339) != "2026-08-05T09:56:38+08:00" {
		t.Errorf("extracted %s %s %q %q %q %v", a.ID, a.URL, a.Title, a.Source, a.Editor, a.PublishedAt)
	}
	text := captureStdout(t, func() { code = run([]string{"extract", "--format", "text", detail}) })
	for _, want := range []string{"第六十三批指导性案例\n", "发布时间：2026-08-05 09:56", "来源：高检网", "原文链接：https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml"} {
		if !strings.Contains(text, want) {
			t.Errorf("text rendering lacks %q", want)
		}
	}
	if code := run([]string{"extract", list}); code != exitFailures {
		t.Errorf("extract of the real list page: exit %d, want 1", code)
	}
}

func TestExpandStdin(t *testing.T) {
	got, err := expandStdin([]string{"a", "-", "b"}, strings.NewReader("# list\nhttps://www.spp.gov.cn/x\n\n  https://www.spp.gov.cn/y  \n"))
	want := []string{"a", "https://www.spp.gov.cn/x", "https://www.spp.gov.cn/y", "b"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("expandStdin = %v, %v; want %v", got, err, want)
	}
}
