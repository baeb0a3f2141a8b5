package crawler_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/internal/child"
	"sppcrawl/store"
)

var _ crawler.Archive = (*store.DB)(nil)

func openStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "a.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func testConfig(origin string) crawler.Config {
	return crawler.Config{
		Origin: origin, Delay: 0, Parallel: 4, Timeout: 2 * time.Second,
		RetryBase: 5 * time.Millisecond, RetryMax: 3 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	}
}

// fullConfig is a backfill of the given channels (all when keys is "").
func fullConfig(tb testing.TB, srv *server, keys string) crawler.Config {
	tb.Helper()
	cfg := testConfig(srv.URL)
	cfg.Full = true
	if keys != "" {
		var err error
		if cfg.Channels, err = sites.SelectChannels(sites.Default(), keys); err != nil {
			tb.Fatal(err)
		}
	}
	return cfg
}

// runOnce runs a crawl that may fail.
func runOnce(tb testing.TB, cfg crawler.Config, db crawler.Archive) (sppcrawl.RunSummary, error) {
	tb.Helper()
	c, err := crawler.New(cfg, db)
	if err != nil {
		tb.Fatal(err)
	}
	return c.Run(context.Background())
}

func mustRun(tb testing.TB, cfg crawler.Config, db crawler.Archive) sppcrawl.RunSummary {
	tb.Helper()
	sum, err := runOnce(tb, cfg, db)
	if err != nil {
		tb.Fatalf("run: %v (summary %+v)", err, sum)
	}
	return sum
}

// siteArticles counts the distinct articles of the site (by manuscript id).
func siteArticles(s *site) map[string]bool {
	ids := map[string]bool{}
	for _, p := range s.detailPaths() {
		ids[sites.Default().ArticleID(p)] = true
	}
	return ids
}

// checkArchive asserts every article of the site is stored exactly once.
func checkArchive(t *testing.T, db *store.DB, s *site) {
	t.Helper()
	ctx := context.Background()
	want := siteArticles(s)
	seen := map[string]bool{}
	err := db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		if seen[a.ID] {
			return fmt.Errorf("%s stored twice", a.ID)
		}
		seen[a.ID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("%s not stored", id)
		}
	}
	if n, _ := db.Count(ctx); n != len(want) {
		t.Errorf("archive holds %d articles, site has %d", n, len(want))
	}
	for _, p := range s.detailPaths() {
		if ok, _ := db.HasURL(ctx, "https://www.spp.gov.cn"+p); !ok {
			t.Errorf("URL %s not resolvable", p)
		}
	}
}

func TestCrawl_FullThenIncremental(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	sum := mustRun(t, cfg, db)
	checkArchive(t, db, s)
	if sum.Aliased != 1 || sum.Failures != 0 {
		t.Errorf("full crawl summary %+v: want 1 aliased, 0 failures", sum)
	}
	for p, n := range srv.detailHits() {
		if n != 1 {
			t.Errorf("%s fetched %d times in one run", p, n)
		}
	}

	// Nothing new: one request per channel plus robots.txt.
	srv.resetHits()
	cfg.Full = false
	sum = mustRun(t, cfg, db)
	if got, max := srv.requests.Load(), int64(len(sites.Default().Channels())+1); got > max {
		t.Errorf("idle run made %d requests, want at most %d", got, max)
	}
	if sum.Created+sum.Updated+sum.Unchanged+sum.Aliased != 0 {
		t.Errorf("idle run summary %+v", sum)
	}

	// Three new articles: exactly their detail pages are fetched.
	day := fixtureNewest.Add(24 * time.Hour)
	added := []string{
		s.add("/spp/jczdal/", 990001, day),
		s.add("/spp/jczdal/", 990002, day.Add(time.Hour)),
		s.add("/spp/tt/", 990003, day),
	}
	srv.resetHits()
	sum = mustRun(t, cfg, db)
	hits := srv.detailHits()
	if len(hits) != 3 || sum.Created != 3 {
		t.Errorf("after adding 3 articles: fetched %v, summary %+v", hits, sum)
	}
	for _, u := range added {
		if hits[strings.TrimPrefix(u, "https://www.spp.gov.cn")] != 1 {
			t.Errorf("%s not fetched exactly once", u)
		}
	}
	checkArchive(t, db, s)
}

// The article listed in 头条 and in its own channel 最高检新闻 is stored the
// same way whichever list is read first (each order forced by a run of one
// channel, then one of the other, and both in one run): under its own
// channel's URL, in its channel, with the same channel counts and the page
// of that URL archived.
func TestCrawl_AliasAcrossChannels(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var first *crossPostView
	for _, runs := range [][]string{{"tt", "gjybs"}, {"gjybs", "tt"}, {"gjybs,tt"}} {
		db := openStore(t)
		for _, keys := range runs {
			mustRun(t, fullConfig(t, srv, keys), db)
		}
		got := viewCrossPost(t, db)
		if got.URL != "https://www.spp.gov.cn/spp/gjybs/202611/t20261117_810001.shtml" || got.Channel != "最高检新闻" ||
			got.Raw != got.URL || len(got.Aliases) != 1 || !strings.Contains(got.Aliases[0], "/spp/tt/") {
			t.Errorf("runs %v: stored %+v, want under 最高检新闻's URL with 头条's as alias", runs, got)
		}
		if first == nil {
			first = &got
		} else if !reflect.DeepEqual(got, *first) {
			t.Errorf("runs %v: stored %+v; runs %v stored %+v", runs, got, []string{"tt", "gjybs"}, *first)
		}
	}
}

// crossPostView is what two crawls of the site must agree on about its
// cross-post: its export fields that name where it lives, its archived
// page's URL, and the archive's channel counts.
type crossPostView struct {
	URL, Channel, ChannelPath, Raw string
	Aliases                        []string
	Counts                         map[string]int
}

func viewCrossPost(t *testing.T, db *store.DB) crossPostView {
	t.Helper()
	ctx := context.Background()
	a, err := db.Get(ctx, "spp-810001")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := db.Raw(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := db.CountByChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := crossPostView{URL: a.URL, Channel: a.Channel, ChannelPath: a.ChannelPath, Raw: raw.URL, Aliases: a.Aliases, Counts: map[string]int{}}
	for _, c := range cc {
		v.Counts[c.Path] = c.Articles
	}
	return v
}

// faulty answers the first request of about one path in ten with a fault.
func faulty(t *testing.T, srv *server) {
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if srv.hitsOf(r.URL.Path) != 1 || r.URL.Path == "/robots.txt" {
			return false
		}
		h := fnv.New32a()
		h.Write([]byte(r.URL.Path))
		v := h.Sum32()
		if v%10 != 0 {
			return false
		}
		switch (v / 10) % 5 {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 3: // slower than the client's timeout
			time.Sleep(700 * time.Millisecond)
			return false
		case 4: // connection reset mid-answer
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return false
			}
			conn, _, _ := hj.Hijack()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			conn.Close()
		}
		return true
	})
}

func TestCrawl_Faults(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	faulty(t, srv)
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	cfg.Timeout = 400 * time.Millisecond
	sum := mustRun(t, cfg, db)
	checkArchive(t, db, s)
	if sum.Failures != 0 {
		t.Errorf("summary %+v: failures remain", sum)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	faults := 0
	for p, n := range srv.hits {
		if n > 8 { // the default MaxAttempts, twice with the final pass
			t.Errorf("%s requested %d times", p, n)
		}
		if n > 1 {
			faults++
		}
	}
	if faults < 10 {
		t.Errorf("only %d paths were retried: the fault injection did not bite", faults)
	}
}

// With one request in ten failing, whatever its attempt, a backfill still
// ends complete: four bad answers in a row happen (1 in 10,000 URLs), eight
// do not.
func TestCrawl_FaultsOnEveryAttempt(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(7, 13))
	faults := 0
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		roll, kind := rng.IntN(10), rng.IntN(4)
		mu.Unlock()
		if roll != 0 {
			return false
		}
		mu.Lock()
		faults++
		mu.Unlock()
		switch kind {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			reset(t, w)
		}
		return true
	})
	for run := range 3 {
		db := openStore(t)
		cfg := fullConfig(t, srv, "")
		cfg.RetryBase = time.Millisecond
		sum, err := runOnce(t, cfg, db)
		if err != nil || sum.Outcome != "ok" {
			t.Fatalf("run %d: %v, %+v", run, err, sum)
		}
		checkArchive(t, db, s)
	}
	if faults < 50 {
		t.Errorf("only %d faults injected", faults)
	}
}

func TestCrawl_RetriesBoundedThenNextRun(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	broken := ""
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gzbg/") {
			broken = p
			break
		}
	}
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == broken {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "gzbg")
	sum, err := runOnce(t, cfg, db)
	if err != nil || sum.Failures != 1 || sum.Outcome != "failures" {
		t.Fatalf("run: %v, %+v; want one failure", err, sum)
	}
	// One round of --retries attempts in the walk, one in the final pass.
	if n := srv.hitsOf(broken); n != 8 {
		t.Errorf("%s requested %d times, want 2 × 4 attempts", broken, n)
	}
	if sum.Recovered != 0 {
		t.Errorf("summary %+v: nothing was recovered", sum)
	}
	f, ok, _ := db.Failure(context.Background(), "https://www.spp.gov.cn"+broken)
	if !ok || f.Gone || f.Attempts != 8 || f.Status != http.StatusBadGateway {
		t.Errorf("failure log: %+v, %v", f, ok)
	}

	// The site recovers. A run before the retry is due leaves the page alone;
	// the next cron run (10 minutes on) fetches it from the failure log, even
	// though its list page has nothing new.
	srv.setFault(nil)
	cfg.Full = false
	srv.resetHits()
	mustRun(t, cfg, db)
	if n := srv.hitsOf(broken); n != 0 {
		t.Errorf("retried %d times before it was due", n)
	}
	later := time.Now().Add(10 * time.Minute)
	cfg.Now = func() time.Time { return later }
	sum = mustRun(t, cfg, db)
	if n := srv.hitsOf(broken); n != 1 || sum.Created != 1 || sum.Failures != 0 {
		t.Errorf("due retry: %d requests, summary %+v", n, sum)
	}
	if _, ok, _ := db.Failure(context.Background(), "https://www.spp.gov.cn"+broken); ok {
		t.Error("failure record kept after the page was stored")
	}
}

// reset resets the connection of w in the middle of an answer. (A reset
// before any byte of the answer is retried by Go's transport itself, for a
// reused connection, and would not reach the crawler.)
func reset(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("no hijacker")
		return
	}
	conn, buf, _ := hj.Hijack()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><head>")
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// A URL that failed all its attempts on transient errors gets a final pass
// at the end of the run: the run completes, and says so.
func TestCrawl_FinalPassRecovers(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	paths := s.detailPaths()
	var unavailable, resets, listPage string
	for _, p := range paths {
		switch {
		case strings.HasPrefix(p, "/spp/gzbg/") && unavailable == "":
			unavailable = p
		case strings.HasPrefix(p, "/spp/gjgb/") && resets == "":
			resets = p
		}
	}
	listPage = "/spp/tzgg1/index.shtml"
	const retries = 3
	var lastFault, finalTry time.Time // of the unavailable page
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch n := srv.hitsOf(r.URL.Path); {
		case r.URL.Path == unavailable && n < retries:
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == unavailable && n == retries:
			lastFault = time.Now()
			w.Header().Set("Retry-After", "1") // the final pass must wait for it
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == unavailable:
			finalTry = time.Now()
			return false
		case (r.URL.Path == resets || r.URL.Path == listPage) && n <= retries:
			reset(t, w)
		default:
			return false
		}
		return true
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "gzbg,gjgb,tzgg1")
	cfg.MaxAttempts = retries
	sum, err := runOnce(t, cfg, db)
	if err != nil || sum.Outcome != "ok" || sum.Failures != 0 || sum.Recovered != 3 {
		t.Fatalf("run: %v, %+v; want ok with 3 recovered", err, sum)
	}
	if !strings.Contains(sum.String(), "3 recovered in the final pass") {
		t.Errorf("summary line %q", sum.String())
	}
	if wait := finalTry.Sub(lastFault); wait < time.Second {
		t.Errorf("the final pass came %s after an answer with Retry-After: 1", wait)
	}
	for _, p := range []string{unavailable, resets, listPage} {
		if n := srv.hitsOf(p); n != retries+1 {
			t.Errorf("%s requested %d times, want %d", p, n, retries+1)
		}
	}
	if n, _ := db.Count(context.Background()); n != 4+4+5 {
		t.Errorf("%d articles stored, want 13", n)
	}
	fails, _ := db.Failures(context.Background(), false, time.Now())
	if len(fails) != 0 {
		t.Errorf("failure log holds %v", fails)
	}
}

// Permanent answers never get a final pass: one request, then the log.
func TestCrawl_FinalPassNotForPermanent(t *testing.T) {
	s := loadSite(t)
	u := s.add("/spp/gjgb/", 990200, fixtureNewest)
	missing := strings.TrimPrefix(u, "https://www.spp.gov.cn")
	srv := serve(t, s)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == missing {
			http.NotFound(w, r)
			return true
		}
		return false
	})
	db := openStore(t)
	sum := mustRun(t, fullConfig(t, srv, "gjgb"), db)
	if n := srv.hitsOf(missing); n != 1 || sum.Recovered != 0 || sum.Gone != 1 {
		t.Errorf("404: %d requests, summary %+v; want 1 request, gone, no final pass", n, sum)
	}
}

func TestCrawl_GonePages(t *testing.T) {
	s := loadSite(t)
	// A listed article whose page is gone: the site answers with its homepage.
	u := s.add("/spp/gjgb/", 990100, fixtureNewest)
	delete(s.pages, strings.TrimPrefix(u, "https://www.spp.gov.cn"))
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjgb")
	sum := mustRun(t, cfg, db)
	if sum.Gone != 1 || sum.Failures != 0 {
		t.Errorf("summary %+v, want 1 gone", sum)
	}
	if ok, _ := db.HasURL(context.Background(), u); ok {
		t.Error("the homepage was stored as an article")
	}
	f, ok, _ := db.Failure(context.Background(), u)
	if !ok || !f.Gone {
		t.Errorf("failure %+v, want gone", f)
	}
	// Not retried by the next run.
	srv.resetHits()
	cfg.Full = false
	mustRun(t, cfg, db)
	if n := srv.hitsOf(strings.TrimPrefix(u, "https://www.spp.gov.cn")); n != 0 {
		t.Errorf("gone page fetched %d times by the next run", n)
	}
}

func TestCrawl_Robots(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	srv.robots = "User-agent: *\nDisallow: /spp/gjybs/\n"
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjybs,gzbg")
	mustRun(t, cfg, db)
	for p := range srv.hits {
		if strings.HasPrefix(p, "/spp/gjybs/") {
			t.Errorf("robots.txt disallows %s but it was fetched", p)
		}
	}
	if n, _ := db.Count(context.Background()); n != siteSizes["/spp/gzbg/"] {
		t.Errorf("stored %d, want the %d allowed articles", n, siteSizes["/spp/gzbg/"])
	}
}

func TestCrawl_OffSiteRedirect(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("off-site server was asked for %s", r.URL)
	}))
	defer elsewhere.Close()
	s := loadSite(t)
	srv := serve(t, s)
	var target string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gjgb/") {
			target = p
			break
		}
	}
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == target {
			http.Redirect(w, r, elsewhere.URL+"/phish.shtml", http.StatusFound)
			return true
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjgb")
	sum, _ := runOnce(t, cfg, db)
	if sum.Failures != 1 {
		t.Errorf("summary %+v, want the redirecting page failed", sum)
	}
	f, _, _ := db.Failure(context.Background(), "https://www.spp.gov.cn"+target)
	if !strings.Contains(f.LastError, "redirect") {
		t.Errorf("failure %q should say the redirect was refused", f.LastError)
	}
}

func TestCrawl_Challenge(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/robots.txt" {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusPreconditionFailed)
		fmt.Fprint(w, `<html><body><script>document.cookie="acw_sc__v2=abc";location.reload()</script></body></html>`)
		return true
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	sum, err := runOnce(t, cfg, db)
	if !errors.Is(err, crawler.ErrBlocked) || sum.Outcome != "blocked" {
		t.Fatalf("run: %v, %+v; want ErrBlocked", err, sum)
	}
	if n, _ := db.Count(context.Background()); n != 0 {
		t.Errorf("%d articles stored from a challenged site", n)
	}
}

func TestFetchArticle(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	c, _ := crawler.New(testConfig(srv.URL), openStore(t))
	p := s.detailPaths()[0]
	a, raw, err := c.FetchArticle(context.Background(), "http://spp.gov.cn"+p+"#top")
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://www.spp.gov.cn"+p || raw.Status != 200 || len(raw.Body) == 0 || a.ID != sites.Default().ArticleID(p) {
		t.Errorf("got %s (%s), raw status %d", a.URL, a.ID, raw.Status)
	}
	srv.resetHits()
	if _, _, err := c.FetchArticle(context.Background(), "https://example.com/spp/tt/202601/t20260101_1.shtml"); !errors.Is(err, sppcrawl.ErrOffSite) {
		t.Errorf("off-site fetch: %v, want ErrOffSite", err)
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("off-site fetch made %d requests", n)
	}
	// A path the site does not have: its homepage comes back, refused.
	if _, _, err := c.FetchArticle(context.Background(), "https://www.spp.gov.cn/spp/tt/202601/t20260101_1.shtml"); !errors.Is(err, extract.ErrNotArticle) {
		t.Errorf("fetch of a missing page: %v, want ErrNotArticle", err)
	}
}

func TestSelectChannels(t *testing.T) {
	got, err := sites.SelectChannels(sites.Default(), "tt, /spp/jczdal/,tt")
	if err != nil || len(got) != 2 || got[0].Key != "tt" || got[1].Key != "jczdal" {
		t.Errorf("SelectChannels = %v, %v", got, err)
	}
	if _, err := sites.SelectChannels(sites.Default(), "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestMain(m *testing.M) {
	child.Main(m, map[string]func() int{
		"crawl":        crawlChild,
		"scale-crawl":  func() int { return scaleChild("crawl") },
		"scale-colly":  func() int { return scaleChild("colly") },
		"scale-export": func() int { return scaleChild("export") },
		"scale-index":  func() int { return scaleChild("index") },
		"exec":         execChild,
	})
}

// Discover lists the channels the homepage's navigation links to.
func TestDiscover(t *testing.T) {
	srv := serve(t, loadSite(t))
	c, err := crawler.New(testConfig(srv.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	chans, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, ch := range chans {
		got[ch.Path] = ch.Key + " " + ch.Name
	}
	for path, want := range map[string]string{"/spp/gjybs/": "gjybs 最高检新闻", "/spp/zdgz/": "zdgz 重点推荐", "/spp/dfjcdt/": "dfjcdt 地方动态", "/spp/jcxw/": "jcxw 检察新闻"} {
		if got[path] != want {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	if _, ok := got["/spp/"]; ok {
		t.Error("the homepage listed as a channel")
	}
}

// A stored article whose URL answers gone to fetch counts a sighting toward
// its withdrawal, once per run however often the run asks (a list naming it
// twice); the next run's sighting withdraws it. The site's homepage at the
// URL says gone as a 404 does.
func TestFetch_GoneSighting(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	c, err := crawler.New(testConfig(srv.URL), db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := s.detailPaths()[0]
	u := "https://www.spp.gov.cn" + p
	if _, err := c.Fetch(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	for name, answer := range map[string]func(http.ResponseWriter, *http.Request){
		"404":      func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
		"homepage": func(w http.ResponseWriter, _ *http.Request) { w.Write(s.pages["/spp/index.shtml"]) },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Fetch(ctx, u, false); err != nil { // a good answer forgets earlier sightings
				t.Fatal(err)
			}
			srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != p {
					return false
				}
				answer(w, r)
				return true
			})
			defer srv.setFault(nil)
			var got []*sppcrawl.GoneSighting
			twice := func(yield func(string, error) bool) {
				for range 2 {
					if !yield(u, nil) {
						return
					}
				}
			}
			err := c.FetchAll(ctx, twice, false, func(_ string, f *sppcrawl.Fetched, err error) error {
				if err != nil || f.Gone == nil {
					t.Fatalf("fetch of a stored article answering gone: %+v, %v", f, err)
				}
				got = append(got, f.Gone)
				return nil
			})
			if err != nil || got[0].Withdrawn || got[1].Withdrawn {
				t.Errorf("one run asking twice: %v, %+v %+v; want no withdrawal", err, got[0], got[1])
			}
			f, err := c.Fetch(ctx, u, false)
			if err != nil || f.Gone == nil || !f.Gone.Withdrawn || f.Article.WithdrawnAt.IsZero() {
				t.Errorf("the next run: %+v, %v; want it withdrawn", f, err)
			}
		})
	}
}
