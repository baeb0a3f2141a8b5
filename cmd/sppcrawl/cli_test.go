package main

import (
	"bytes"
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

	"sppcrawl"

	"sppcrawl/sites"
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

// sppcrawl extract on the real saved pages (skipped without ../shared/realpages).
func TestCLI_ExtractRealPages(t *testing.T) {
	const dir = "../../../shared/realpages/"
	detail, list := dir+"spp-jczdal-detail-t20260805_733868.html", dir+"spp-jczdal-list-index.html"
	if _, err := os.Stat(detail); err != nil {
		t.Skip("../shared/realpages absent")
	}
	var code int
	out := stdoutOf(&code, []string{"extract", detail})
	var a sppcrawl.Article
	if err := json.Unmarshal([]byte(out), &a); err != nil || code != exitOK {
		t.Fatalf("extract: exit %d, %v", code, err)
	}
	if a.ID != "spp-733868" || a.URL != "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml" ||
		a.Title != "第六十三批指导性案例" || a.Source != "高检网" || a.Editor != "贾欣然" ||
		a.PublishedAt.Format(time.RFC3339) != "2026-08-05T09:56:38+08:00" {
		t.Errorf("extracted %s %s %q %q %q %v", a.ID, a.URL, a.Title, a.Source, a.Editor, a.PublishedAt)
	}
	text := stdoutOf(&code, []string{"extract", "--format", "text", detail})
	for _, want := range []string{"第六十三批指导性案例\n", "发布时间：2026-08-05 09:56", "来源：高检网", "原文链接：https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml"} {
		if !strings.Contains(text, want) {
			t.Errorf("text rendering lacks %q", want)
		}
	}
	if code := run([]string{"extract", list}); code != exitFailures {
		t.Errorf("extract of the real list page: exit %d, want 1", code)
	}
}

// A usage error is printed once, with the way to the flags; help and
// version answer on stdout.
func TestCLI_UsageAndHelp(t *testing.T) {
	var code int
	errOut := stderrOf(&code, []string{"crawl", "--nope"})
	if code != exitUsage || strings.Count(errOut, "flag provided but not defined") != 1 || strings.Contains(errOut, "Usage:") {
		t.Errorf("crawl --nope: exit %d, stderr %q: want the error once, no usage dump", code, errOut)
	}
	out := stdoutOf(&code, []string{"help", "crawl"})
	if code != exitOK || !strings.Contains(out, "Usage: sppcrawl crawl") || !strings.Contains(out, "-max-pages") {
		t.Errorf("help crawl: exit %d\n%s", code, out)
	}
	out = stdoutOf(&code, []string{"help"})
	if code != exitOK || !strings.Contains(out, "version") || !strings.Contains(out, "crawl") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	out = stdoutOf(&code, []string{"version"})
	if code != exitOK || out != "sppcrawl "+version+"\n" {
		t.Errorf("version: exit %d %q", code, out)
	}
	for _, args := range [][]string{
		{"crawl", "--timeout", "0"}, {"crawl", "--max-body", "0"}, {"crawl", "--lock-timeout", "-1s"},
		{"crawl", "--parallel", "0"}, {"crawl", "--parallel", "1000"}, {"crawl", "--retries", "0"},
		{"crawl", "--delay", "-1s"}, {"serve", "--crawl-every", "10s"}, {"fetch", "--max-body", "-5", "https://www.spp.gov.cn/x"},
	} {
		flagName := args[1]
		errOut := stderrOf(&code, append(args, "--db", filepath.Join(t.TempDir(), "a.db")))
		if code != exitUsage || !strings.Contains(errOut, flagName) {
			t.Errorf("%v: exit %d, stderr %q: want a usage error naming %s", args, code, errOut, flagName)
		}
	}
}

// Output that cannot be written is an error, not a silent success.
func TestCLI_WriteErrors(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--full", "--channels", "gzbg", "--quiet"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	for _, args := range [][]string{{"stats", "--db", path}, {"stats", "--format", "json", "--db", path}, {"export", "--db", path}, {"export", "--format", "csv", "--db", path}, {"channels"}} {
		code := (&Main{Stdin: strings.NewReader(""), Stdout: full, Stderr: io.Discard}).Run(args)
		if code != exitFailures {
			t.Errorf("%v > /dev/full: exit %d, want 1", args, code)
		}
	}
	if code := run([]string{"export", "--db", path, "--out", "/dev/full"}); code != exitFailures {
		t.Errorf("export --out /dev/full: exit %d, want 1", code)
	}
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/full is no longer a device: %v", err)
	}
}

// --quiet prints nothing on success; --log-format json makes the summary
// JSON too; log times are in +08:00.
func TestCLI_QuietAndJSONSummary(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	base := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--channels", "gzbg"}
	var code int
	errOut := stderrOf(&code, append(base, "--full", "--quiet"))
	if code != exitOK || errOut != "" {
		t.Errorf("crawl --quiet: exit %d, printed %q", code, errOut)
	}
	errOut = stderrOf(&code, append(base, "--log-format", "json", "--log-level", "debug"))
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	var last struct {
		Time    time.Time           `json:"time"`
		Msg     string              `json:"msg"`
		Summary sppcrawl.RunSummary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || code != exitOK {
		t.Fatalf("exit %d; last line not JSON: %v\n%s", code, err, errOut)
	}
	if !strings.HasPrefix(last.Msg, "crawl ok:") || last.Summary.Outcome != "ok" || last.Summary.Channels != 1 {
		t.Errorf("summary %+v", last)
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Errorf("not a JSON line: %q", l)
			continue
		}
		if ts, _ := rec["time"].(string); !strings.HasSuffix(ts, "+08:00") {
			t.Errorf("time %q not in +08:00", ts)
		}
	}
}

// fetch takes flags after URLs, schemeless URLs of the site, and a list on
// stdin with comments, where a bad line fails alone.
func TestCLI_FetchArguments(t *testing.T) {
	site := siteServer(t)
	dir := t.TempDir()
	t.Chdir(dir)
	path := filepath.Join(dir, "x.db")
	u1 := "https://www.spp.gov.cn/spp/jczdal/202611/t20261102_850006.shtml"
	if code := run([]string{"fetch", u1, "--db", path, "--origin", site.URL}); code != exitOK {
		t.Fatalf("fetch URL --db: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, defaultDB)); !os.IsNotExist(err) {
		t.Errorf("fetch URL --db x.db created ./%s", defaultDB)
	}
	if n := countArticles(t, path); n != 1 {
		t.Errorf("%d articles in x.db, want 1", n)
	}
	if code := run([]string{"fetch", "--db", path, "--origin", site.URL, "www.spp.gov.cn/spp/gzbg/202611/t20261119_900000.shtml"}); code != exitOK {
		t.Errorf("schemeless URL: exit %d", code)
	}
	list := "# URLs to fetch\n" +
		"https://www.spp.gov.cn/spp/gzbg/202611/t20261116_900001.shtml # the report\n" +
		"https://evil.example.com/spp/tt/202601/t20260101_1.shtml\n" +
		"\n   \n" +
		"https://www.spp.gov.cn/spp/gzbg/202611/t20261113_900002.shtml\n"
	f, _ := os.CreateTemp(dir, "urls")
	f.WriteString(list)
	f.Seek(0, 0)
	code := runIO([]string{"fetch", "--db", path, "--origin", site.URL, "-", "--log-level", "error"}, f).code
	if code != exitFailures {
		t.Errorf("fetch - with an off-site line: exit %d, want 1", code)
	}
	if n := countArticles(t, path); n != 4 {
		t.Errorf("%d articles after fetch -, want 4 (the off-site line fails alone)", n)
	}
}

// verify finds a page stored cut short (as sppcrawl 0.1 could), marks it,
// and the next crawl fetches it again and replaces it.
func TestCLI_VerifyRepairsCutPage(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	const rel = "/spp/gzbg/202611/t20261119_900000.shtml"
	page, err := os.ReadFile("../../testdata/site" + rel)
	if err != nil {
		t.Fatal(err)
	}
	u := "https://www.spp.gov.cn" + rel
	a, err := sites.Default().ParseArticle(page, u, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cut := page[:len(page)*9/10] // after the body, before the footer
	if _, err := db.Upsert(context.Background(), a, &sppcrawl.RawPage{URL: u, Status: 200, Body: cut, FetchedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var code int
	out := stdoutOf(&code, []string{"verify", "--db", path, "--quiet"})
	if code != exitFailures || !strings.Contains(out, "cut\t"+u) || !strings.Contains(out, "cut short") {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	if code := run([]string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--channels", "gzbg", "--quiet"}); code != exitOK {
		t.Fatalf("crawl after verify: exit %d", code)
	}
	out = stdoutOf(&code, []string{"verify", "--db", path, "--quiet"})
	if code != exitOK || out != "" {
		t.Errorf("verify after the crawl: exit %d\n%s", code, out)
	}
	db, _ = store.Open(path, store.Options{ReadOnly: true})
	defer db.Close()
	raw, err := db.Raw(context.Background(), a.ID)
	if err != nil || !bytes.Equal(raw.Body, page) {
		t.Errorf("the stored page was not replaced by the whole one: %v", err)
	}
	if st, _ := db.Get(context.Background(), a.ID); st.Version != 1 {
		t.Errorf("the repair made version %d", st.Version)
	}
	// history by id and by URL; --diff with a range.
	out = stdoutOf(&code, []string{"history", u, "--db", path})
	if code != exitOK || !strings.Contains(out, "v1 ") || !strings.Contains(out, "current") {
		t.Errorf("history: exit %d\n%s", code, out)
	}
	errOut := stderrOf(&code, []string{"history", "--diff", "1..2", a.ID, "--db", path})
	if code != exitFailures || !strings.Contains(errOut, "no v1..v2") {
		t.Errorf("history --diff 1..2 of a single version: exit %d %s", code, errOut)
	}
	if code := run([]string{"history", "--diff", "3..3", a.ID, "--db", path}); code != exitUsage {
		t.Errorf("history --diff 3..3: exit %d, want 2", code)
	}
}
