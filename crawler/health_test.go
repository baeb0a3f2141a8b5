package crawler_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"sppcrawl/sites"

	"sppcrawl/crawler"
)

// Each way a channel can vanish or change shape is a WARN and a run that
// ends in failures; the channel's health is kept in the archive and turns ok
// again when the channel returns.
func TestCrawl_ChannelHealth(t *testing.T) {
	gzbg := sites.Default().Channels()[10]
	for _, c := range []struct {
		name, health string
		fault        func(s *site) func(w http.ResponseWriter, r *http.Request) bool
	}{
		{"removed", "missing", func(*site) func(w http.ResponseWriter, r *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/spp/gzbg/index.shtml" {
					http.NotFound(w, r)
					return true
				}
				return false
			}
		}},
		{"homepage for its index", "missing", func(*site) func(w http.ResponseWriter, r *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/spp/gzbg/index.shtml" {
					w.Write([]byte(homepageHTML))
					return true
				}
				return false
			}
		}},
		{"not a list", "not-a-list", func(s *site) func(w http.ResponseWriter, r *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/spp/gzbg/index.shtml" {
					w.Write([]byte(`<!DOCTYPE html><html><head><title>工作报告栏目改版</title></head><body><div class="new_channel">栏目改版中</div></body></html>`))
					return true
				}
				return false
			}
		}},
		{"empty", "empty", func(*site) func(w http.ResponseWriter, r *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/spp/gzbg/index.shtml" {
					w.Write(listHTML(gzbg, nil, 1, 1, 0))
					return true
				}
				return false
			}
		}},
		{"shrunk", "shrunk", func(s *site) func(w http.ResponseWriter, r *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/spp/gzbg/index.shtml" {
					w.Write(listHTML(gzbg, s.articles["/spp/gzbg/"][:1], 1, 1, 1))
					return true
				}
				return false
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := loadSite(t)
			srv := serve(t, s)
			db := openStore(t)
			cfg := fullConfig(t, srv, "gzbg,gjgb")
			mustRun(t, cfg, db)
			cfg.Full = false
			srv.setFault(c.fault(s))
			sum, err := runOnce(t, cfg, db)
			if err != nil || sum.Outcome != "failures" || len(sum.Warnings) != 1 ||
				!strings.Contains(sum.Warnings[0], "工作报告 (gzbg): "+c.health) {
				t.Fatalf("run: %v; %s", err, sum)
			}
			st, _ := db.ChannelState(context.Background(), "/spp/gzbg/")
			if string(st.Health) != c.health || st.HealthReason == "" {
				t.Errorf("state %q %q", st.Health, st.HealthReason)
			}
			if other, _ := db.ChannelState(context.Background(), "/spp/gjgb/"); other.Health != "ok" {
				t.Errorf("the healthy channel is %q", other.Health)
			}
			// The channel returns.
			srv.setFault(nil)
			if sum := mustRun(t, cfg, db); sum.Outcome != "ok" || len(sum.Warnings) != 0 {
				t.Errorf("after the channel returned: %s", sum)
			}
			if st, _ := db.ChannelState(context.Background(), "/spp/gzbg/"); st.Health != "ok" {
				t.Errorf("health after the channel returned: %q", st.Health)
			}
		})
	}
}

// New pages that lose a field their channel always had are a template drift:
// a WARN and failures. A field the channel never had (作者) says nothing.
func TestCrawl_TemplateDrift(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjybs")
	mustRun(t, cfg, db)
	for i := range 6 {
		s.add("/spp/gjybs/", 990400+i, fixtureNewest.Add(time.Duration(i+1)*time.Hour))
	}
	s.mu.Lock()
	for _, a := range s.articles["/spp/gjybs/"][:6] {
		a.source = "-"
	}
	s.renderLocked()
	s.mu.Unlock()
	cfg.Full = false
	sum, err := runOnce(t, cfg, db)
	want := "最高检新闻 (gjybs): 来源 empty on 6 of 6 new pages, usually 100 %: has the page template changed?"
	if err != nil || sum.Outcome != "failures" || sum.Created != 6 || len(sum.Warnings) != 1 || sum.Warnings[0] != want {
		t.Fatalf("run: %v; %s\nwant the warning %q", err, sum, want)
	}
	st, _ := db.ChannelState(context.Background(), "/spp/gjybs/")
	if len(st.Drift) != 1 || st.Drift[0] != want {
		t.Errorf("drift in the archive: %v", st.Drift)
	}
	// Articles are stored as extracted.
	a, _ := db.GetByURL(context.Background(), "https://www.spp.gov.cn"+s.articles["/spp/gjybs/"][0].path)
	if a == nil || a.Source != "" {
		t.Errorf("the new article: %+v", a)
	}
	// Fewer than 5 new pages say nothing.
	for i := range 3 {
		s.add("/spp/gjybs/", 990500+i, fixtureNewest.Add(time.Duration(10+i)*time.Hour))
	}
	if sum := mustRun(t, cfg, db); len(sum.Warnings) != 0 || sum.Created != 3 {
		t.Errorf("3 new pages: %s", sum)
	}
}

// The first signal ends a run promptly, whatever its delay or robots.txt's
// Crawl-delay: waits are cancelled, only answers under way are finished.
func TestCrawl_PromptStop(t *testing.T) {
	for _, c := range []struct {
		name   string
		delay  time.Duration
		robots string
	}{{"delay 5s", 5 * time.Second, ""}, {"Crawl-delay 5", 0, "User-agent: *\nCrawl-delay: 5\n"}} {
		t.Run(c.name, func(t *testing.T) {
			s := loadSite(t)
			srv := serve(t, s)
			srv.robots = c.robots
			db := openStore(t)
			cfg := fullConfig(t, srv, "")
			cfg.Delay = c.delay
			ctx, cancel := context.WithCancel(context.Background())
			srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, "index.shtml") {
					cancel() // the stop arrives while the first list page is answered
				}
				return false
			})
			cr, err := crawler.New(cfg, db)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			sum, err := cr.Run(ctx)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("the run took %s to stop; want under 5s", took)
			}
			if sum.Outcome != "interrupted" {
				t.Errorf("%v: %s", err, sum)
			}
			if n := srv.requests.Load(); n > 3 {
				t.Errorf("%d requests after the stop", n)
			}

		})
	}
}
