package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sppcrawl/publish"
	"sppcrawl/store"
)

// alteredSite serves testdata/site with some paths answered by alter.
func alteredSite(t *testing.T, alter func(w http.ResponseWriter, r *http.Request) bool) *httptest.Server {
	t.Helper()
	dir, _ := filepath.Abs("../../testdata/site")
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if alter == nil || !alter(w, r) {
			files.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stripSource serves a page of the site with its 来源 emptied.
func stripSource(t *testing.T, w http.ResponseWriter, path string) {
	b, err := os.ReadFile("../../testdata/site" + path)
	if err != nil {
		t.Error(err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(bytes.Replace(b, []byte("来源：高检网"), []byte("来源："), 1))
}

// A channel dropped and a channel whose new pages lose 来源: exit 1 with a
// WARN line naming each; stats, /healthz and /metrics show them; an
// unchanged site: exit 0 and no WARN line.
func TestCLI_HealthAndDrift(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	base := []string{"crawl", "--db", path, "--delay", "0", "--recheck", "0"}
	plain := alteredSite(t, nil)
	// A backfill of everything but the newest six articles of 最高检新闻.
	var gjybs []string
	filepath.WalkDir("../../testdata/site/spp/gjybs", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, "/t20") {
			gjybs = append(gjybs, strings.TrimPrefix(p, "../../testdata/site"))
		}
		return nil
	})
	sort.Sort(sort.Reverse(sort.StringSlice(gjybs))) // newest first: t<date> in the name
	newest := map[string]bool{}
	for _, p := range gjybs[:6] {
		newest[p] = true
	}
	hidden := alteredSite(t, func(w http.ResponseWriter, r *http.Request) bool {
		if newest[r.URL.Path] {
			http.NotFound(w, r)
			return true
		}
		return false
	})
	var code int
	errOut := stderrOf(&code, append(base, "--origin", hidden.URL, "--full", "--channels", "gjybs,gzbg", "--log-level", "error"))
	if code != exitFailures { // the hidden six are failures (gone) of this run
		t.Logf("setup backfill: exit %d %s", code, errOut)
	}
	run([]string{"failures", "--db", path, "--reset", "--all", "--quiet"})

	// The site now: 工作报告 gone, 最高检新闻's new pages without 来源.
	broken := alteredSite(t, func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.URL.Path == "/spp/gzbg/index.shtml":
			http.NotFound(w, r)
			return true
		case newest[r.URL.Path]:
			stripSource(t, w, r.URL.Path)
			return true
		}
		return false
	})
	// Only the two channels: 810001 is listed in 头条 too, and a 头条 walk
	// that met it first would store it as 头条's (a race under load).
	errOut = stderrOf(&code, append(base, "--origin", broken.URL, "--channels", "gjybs,gzbg", "--log-level", "warn"))
	warns := 0
	for _, l := range strings.Split(errOut, "\n") {
		if strings.Contains(l, "level=WARN") {
			warns++
		}
	}
	if code != exitFailures || warns != 2 || !strings.Contains(errOut, "工作报告 (gzbg): missing") ||
		!strings.Contains(errOut, "最高检新闻 (gjybs): 来源 empty on 6 of 6 new pages, usually 100 %") {
		t.Fatalf("broken site: exit %d, %d WARN lines\n%s", code, warns, errOut)
	}
	out := stdoutOf(&code, []string{"stats", "--db", path, "--format", "json"})
	var st publish.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Warnings) != 2 {
		t.Fatalf("stats: %v %+v", err, st.Warnings)
	}
	for _, c := range st.Ledger {
		if c.Key == "gzbg" && c.Health != "missing" || c.Key == "gjybs" && len(c.Drift) != 1 {
			t.Errorf("ledger %+v", c)
		}
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	resp, _ := http.Get(api.URL + "/healthz")
	var h publish.Health
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	resp, _ = http.Get(api.URL + "/metrics")
	var metrics bytes.Buffer
	metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	api.Close()
	db.Close()
	if resp.StatusCode != 200 || h.Status != "degraded" || len(h.Reasons) != 2 {
		t.Errorf("healthz %+v", h)
	}
	if !strings.Contains(metrics.String(), `sppcrawl_channel_health{channel="/spp/gzbg/",health="missing",site="www.spp.gov.cn"} 1`) ||
		!strings.Contains(metrics.String(), `sppcrawl_channel_drift{channel="/spp/gjybs/",site="www.spp.gov.cn"} 1`) {
		t.Errorf("metrics lack the channel gauges")
	}

	// The site as it was: exit 0, no WARN line, healthy again.
	errOut = stderrOf(&code, append(base, "--origin", plain.URL, "--log-level", "warn"))
	if code != exitOK || strings.Contains(errOut, "WARN") {
		t.Errorf("unchanged site: exit %d\n%s", code, errOut)
	}
}

// failures lists the failure log and --reset makes URLs due; stats --gaps
// lists what was listed and never stored.
func TestCLI_FailuresAndGaps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	const broken = "/spp/gzbg/202611/t20261113_900002.shtml"
	site := alteredSite(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == broken {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	if code := run([]string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--full", "--channels", "gzbg", "--retries", "1", "--quiet"}); code != exitFailures {
		t.Fatalf("crawl: exit %d", code)
	}
	var code int
	out := stdoutOf(&code, []string{"failures", "--db", path})
	if code != exitOK || !strings.Contains(out, "https://www.spp.gov.cn"+broken) || !strings.Contains(out, "HTTP 502") {
		t.Errorf("failures: exit %d\n%s", code, out)
	}
	out = stdoutOf(&code, []string{"stats", "--db", path, "--gaps", "--channel", "gzbg"})
	if code != exitOK || !strings.Contains(out, "https://www.spp.gov.cn"+broken+"\tgzbg\tfailed: HTTP 502") {
		t.Errorf("stats --gaps: exit %d\n%s", code, out)
	}
	out = stdoutOf(&code, []string{"failures", "--db", path, "--format", "json"})
	var fails []map[string]any
	if json.Unmarshal([]byte(out), &fails); len(fails) != 1 {
		t.Errorf("failures --format json: %s", out)
	}
	if code := run([]string{"failures", "--db", path, "--reset", "https://www.spp.gov.cn" + broken, "--quiet"}); code != exitOK {
		t.Errorf("failures --reset URL: exit %d", code)
	}
	if code := run([]string{"failures", "--db", path, "--reset", "https://www.spp.gov.cn/spp/x/202601/t20260101_1.shtml", "--quiet"}); code != exitFailures {
		t.Errorf("failures --reset of an unknown URL: exit %d", code)
	}
	if code := run([]string{"failures", "--db", path, "--all"}); code != exitUsage {
		t.Errorf("--all without --reset: exit %d", code)
	}
	// Due now: the next plain run takes it; the gap closes.
	if code := run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--channels", "gzbg", "--quiet"}); code != exitOK {
		t.Errorf("crawl after --reset: exit %d", code)
	}
	out = stdoutOf(nil, []string{"stats", "--db", path, "--gaps"})
	if out != "" {
		t.Errorf("gaps after the page was stored:\n%s", out)
	}
	if out = stdoutOf(nil, []string{"failures", "--db", path}); out != "no failures\n" {
		t.Errorf("failures when there are none: %q", out)
	}
	if out = stdoutOf(nil, []string{"failures", "--db", path, "--format", "json"}); strings.TrimSpace(out) != "[]" {
		t.Errorf("failures --format json when there are none: %q", out)
	}
}

func TestCLI_ChannelsDiscover(t *testing.T) {
	var code int
	out := stdoutOf(&code, []string{"channels", "--discover", "--origin", siteServer(t).URL})
	// Every channel of the navigation is crawled by default (the whole site).
	if code != exitOK || !regexp.MustCompile(`zdgz\s+/spp/zdgz/\s+yes \(not seen yet\)\s+\S+\s+重点推荐`).MatchString(out) ||
		!regexp.MustCompile(`gjybs\s+/spp/gjybs/\s+yes\s+\S+\s+最高检新闻`).MatchString(out) {
		t.Errorf("channels --discover: exit %d\n%s", code, out)
	}
	// A channel outside the table is crawled by its folder, named from its
	// page; one the site does not have is missing.
	path := filepath.Join(t.TempDir(), "a.db")
	errOut := stderrOf(&code, []string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--channels", "/spp/zdgz/"})
	if code != exitOK || !strings.Contains(errOut, "1 channels, 1 list pages, 4 created") {
		t.Errorf("crawl --channels /spp/zdgz/: exit %d\n%s", code, errOut)
	}
	out = stdoutOf(&code, []string{"stats", "--db", path})
	if !regexp.MustCompile(`\nzdgz\s+ok\s+4\s+4\s`).MatchString(out) {
		t.Errorf("stats after crawling /spp/zdgz/: exit %d\n%s", code, out)
	}
	out = stdoutOf(&code, []string{"export", "--db", path, "--format", "jsonl"})
	if strings.Count(out, `"channel":"重点推荐","channel_path":"/spp/zdgz/"`) != 4 {
		t.Errorf("export after crawling /spp/zdgz/: exit %d, the channel not named from its page\n%.400s", code, out)
	}
	errOut = stderrOf(&code, []string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--channels", "/spp/zxbg/", "--log-level", "error"})
	if code != exitFailures || !strings.Contains(errOut, "zxbg: missing") {
		t.Errorf("crawl --channels /spp/zxbg/ (not on the fixture site): exit %d\n%s", code, errOut)
	}
}

// The first signal ends a crawl within seconds even with --delay 5s.
func TestCLI_PromptStop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	var lists atomic.Int64
	listed := make(chan struct{})
	site := alteredSite(t, func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "index.shtml") && lists.Add(1) == 2 {
			close(listed)
		}
		return false
	})
	path := filepath.Join(t.TempDir(), "a.db")
	args := []string{"crawl", "--db", path, "--origin", site.URL, "--full", "--delay", "5s"}
	cmd := sppcrawlChild(args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-listed: // the crawl is under way, pausing 5s between requests
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the crawl did not start")
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code, took := cmd.ProcessState.ExitCode(), time.Since(start); code != exitSignal || took > 5*time.Second {
		t.Errorf("exit %d after %s; want 130 within 5s", code, took)
	}

}

// The navigation's hubs, passed over by a crawl, keep the navigation's
// names in the ledger (a page of their own never named them).
func TestCLI_StatsNamesHubs(t *testing.T) {
	path := crawledArchive(t)
	out := stdoutOf(nil, []string{"stats", "--db", path, "--format", "json"})
	var st struct {
		Ledger []struct{ Path, Name string } `json:"ledger"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range st.Ledger {
		names[r.Path] = r.Name
	}
	for path, want := range map[string]string{"/spp/jcxw/": "检察新闻", "/spp/flfgk/": "法律法规规范性文件", "/spp/dfjcdt/": "地方动态", "/spp/tt/": "头条"} {
		if names[path] != want {
			t.Errorf("ledger %s named %q, want %q", path, names[path], want)
		}
	}
}
