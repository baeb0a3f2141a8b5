package crawler_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// Pages that must never be stored: too big, not HTML, redirecting in a loop.
func TestCrawl_Guards(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var paths []string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/zgjdxal/") {
			paths = append(paths, p)
		}
	}
	huge, pdf, loop := paths[0], paths[1], paths[2]
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case huge:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>" + strings.Repeat("<p>大</p>", 40_000) + "</body></html>"))
		case pdf:
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.7 ..."))
		case loop:
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		default:
			return false
		}
		return true
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "zgjdxal")
	cfg.MaxBody = 100_000

	sum, _ := runOnce(t, cfg, db)
	ctx := context.Background()
	for _, p := range []string{huge, pdf, loop} {
		u := "https://www.spp.gov.cn" + p
		if ok, _ := db.HasURL(ctx, u); ok {
			t.Errorf("%s stored", p)
		}
		if f, found, _ := db.Failure(ctx, u); !found {
			t.Errorf("%s: no failure recorded", p)
		} else {
			t.Logf("%s: gone=%v %s", p, f.Gone, f.LastError)
		}
	}
	if n, _ := db.Count(ctx); n != siteSizes["/spp/zgjdxal/"]-3 {
		t.Errorf("stored %d, want all but the 3 bad pages", n)
	}
	if sum.Gone < 2 {
		t.Errorf("summary %+v: the huge and the PDF answers are gone for good", sum)
	}
	if hits := srv.hitsOf(loop); hits > 12 {
		t.Errorf("redirect loop followed %d times", hits)
	}
}

func TestCrawl_SinceAndMaxPages(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := testConfig(srv.URL)
	cfg.Channels, _ = sites.SelectChannels(sites.Default(), "tt")
	cfg.Since = fixtureNewest.AddDate(0, 0, -30)
	mustRun(t, cfg, db)
	if srv.hitsOf("/spp/tt/index_2.shtml") != 0 {
		t.Error("--since: paged past items older than the cutoff")
	}
	err := db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		if a.PublishedAt.Before(cfg.Since.Add(-24 * time.Hour)) {
			t.Errorf("%s published %v, before --since", a.ID, a.PublishedAt)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	srv.resetHits()
	db2 := openStore(t)
	cfg = fullConfig(t, srv, "tt")
	cfg.MaxPages = 2
	mustRun(t, cfg, db2)
	if srv.hitsOf("/spp/tt/index_2.shtml") != 1 || srv.hitsOf("/spp/tt/index_3.shtml") != 0 {
		t.Error("--max-pages 2 did not stop after page 2")
	}
}

func TestCrawl_PolitenessHeadersAndRetryAfter(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var mu sync.Mutex
	var agents []string
	var first429, retried time.Time
	target := ""
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gjgb/") {
			target = p
			break
		}
	}
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		agents = append(agents, r.UserAgent())
		if r.URL.Path != target {
			return false
		}
		if first429.IsZero() {
			first429 = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		if retried.IsZero() {
			retried = time.Now()
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjgb")

	mustRun(t, cfg, db)
	if retried.Sub(first429) < time.Second {
		t.Errorf("retried %v after a 429 with Retry-After: 1", retried.Sub(first429))
	}
	for _, ua := range agents {
		if !strings.HasPrefix(ua, "sppcrawl/") {
			t.Errorf("User-Agent %q does not name sppcrawl", ua)
		}
	}
	if n, _ := db.Count(context.Background()); n != siteSizes["/spp/gjgb/"] {
		t.Errorf("stored %d", n)
	}
}

// Crawl-delay in robots.txt spaces requests out, one at a time; a robots.txt
// that answers 5xx stops the crawl for now.
func TestCrawl_RobotsCrawlDelayAndServerError(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	srv.robots = "User-agent: *\nCrawl-delay: 0.15\n"
	var mu sync.Mutex
	var times []time.Time
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/robots.txt" {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjgb")
	cfg.Parallel = 4
	mustRun(t, cfg, db)
	if len(times) != 1+siteSizes["/spp/gjgb/"] {
		t.Fatalf("%d requests", len(times))
	}
	// Arrivals are the server's clock: on a loaded machine one request may
	// arrive late and the next on time, so a single gap may be short by that
	// lateness; the requests' span may not (each start is booked a delay
	// after the one before), and no gap may be short by half the delay.
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 75*time.Millisecond {
			t.Errorf("request %d came %v after the one before; Crawl-delay is 150ms", i, gap)
		}
	}
	if span, want := times[len(times)-1].Sub(times[0]), time.Duration(len(times)-1)*140*time.Millisecond; span < want {
		t.Errorf("%d requests within %v; Crawl-delay 150ms wants at least %v", len(times), span, want)
	}

	srv.robots = ""
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	srv.resetHits()
	db2 := openStore(t)
	sum, err := runOnce(t, fullConfig(t, srv, "gjgb"), db2)
	if err == nil || !strings.Contains(err.Error(), "robots.txt answered HTTP 503") || sum.Outcome != "error" {
		t.Errorf("robots.txt 503: %v, %+v; want an error naming it", err, sum)
	}
	if n := srv.requests.Load(); n != 8 {
		t.Errorf("robots.txt 503: %d requests, want 2 × 4 attempts at robots.txt only", n)
	}
	// One bad answer is retried, as any page's is.
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/robots.txt" && srv.hitsOf(r.URL.Path) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	srv.resetHits()
	if _, err := runOnce(t, fullConfig(t, srv, "gjgb"), openStore(t)); err != nil {
		t.Errorf("robots.txt 502 once: %v", err)
	}
	if run, ok, _ := db2.LastRun(context.Background()); !ok || run.Outcome != "error" {
		t.Errorf("last run %+v not recorded as an error", run)
	}
}

// The idle run asks for page 1 of each channel with the validators it saved
// and gets 304s; --refresh re-fetches stored articles and finds a correction.
func TestCrawl_ConditionalGETAndRefresh(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "jczdal,gzbg")
	mustRun(t, cfg, db)

	var mu sync.Mutex
	conditional := 0
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("If-None-Match") != "" {
			mu.Lock()
			conditional++
			mu.Unlock()
		}
		return false
	})
	cfg.Full = false
	mustRun(t, cfg, db)
	if conditional != 2 {
		t.Errorf("%d conditional list requests, want one per channel", conditional)
	}

	// The site corrects an article; an incremental run cannot see it, a
	// refresh does.
	var target string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gzbg/") {
			target = p
			break
		}
	}
	s.mu.Lock()
	s.pages[target] = bytes.Replace(s.pages[target], []byte(`text-indent: 2em;">`), []byte(`text-indent: 2em;">【更正】`), 1)
	s.mu.Unlock()
	cfg.Refresh = true
	cfg.Channels, _ = sites.SelectChannels(sites.Default(), "gzbg")
	sum := mustRun(t, cfg, db)
	if sum.Updated != 1 || sum.Unchanged != siteSizes["/spp/gzbg/"]-1 {
		t.Errorf("refresh: %+v, want 1 updated and the rest unchanged", sum)
	}
}
