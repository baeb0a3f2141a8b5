package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/sites"
)

// stalling serves a local fixture site whose every answer waits until the
// test releases it; stalled is closed at its first request.
type stalling struct {
	*httptest.Server
	stalled, release chan struct{}
	once             sync.Once
}

func stallingSite(t *testing.T, host string) *stalling {
	s := &stalling{stalled: make(chan struct{}), release: make(chan struct{})}
	files := http.FileServer(http.Dir(filepath.Join("../testdata/sites", host)))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.once.Do(func() { close(s.stalled) })
		select {
		case <-s.release:
		case <-r.Context().Done():
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// siteConfig is a backfill of the whole of site from a mirror.
func siteConfig(t *testing.T, key, origin string) crawler.Config {
	t.Helper()
	s, err := sites.Lookup(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(origin)
	cfg.Site, cfg.Full, cfg.Discover = s, true, true
	return cfg
}

// Three sites crawled at once, one of them stalled: the other two end and
// are stored while it still waits for its first answer; released, it ends
// too, and the run's summary adds the three up.
func TestGroup_StalledSiteHoldsNoneBack(t *testing.T) {
	spp := serve(t, loadSite(t))
	gd := httptest.NewServer(http.FileServer(http.Dir("../testdata/sites/www.gd.jcy.gov.cn")))
	t.Cleanup(gd.Close)
	hb := stallingSite(t, "www.hbjc.gov.cn")
	slow := siteConfig(t, "www.hbjc.gov.cn", hb.URL)
	slow.Timeout = time.Minute // stalled, not failed, until released
	db := openStore(t)
	g, err := crawler.NewGroup([]crawler.Config{siteConfig(t, "spp", spp.URL), siteConfig(t, "www.gd.jcy.gov.cn", gd.URL), slow}, db)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 3)
	g.SiteDone = func(s sppcrawl.Site, sum sppcrawl.RunSummary, err error) {
		if err != nil || sum.Created == 0 {
			t.Errorf("%s: %+v, %v; want articles created", s.Key(), sum, err)
		}
		done <- s.Host()
	}
	type result struct {
		sum sppcrawl.RunSummary
		err error
	}
	out := make(chan result, 1)
	go func() { sum, err := g.Run(context.Background()); out <- result{sum, err} }()
	<-hb.stalled
	ended := map[string]bool{<-done: true, <-done: true}
	if !ended["www.spp.gov.cn"] || !ended["www.gd.jcy.gov.cn"] {
		t.Fatalf("sites ended while hbjc stalled: %v", ended)
	}
	byHost := storedByHost(t, db)
	if byHost["www.spp.gov.cn"] == 0 || byHost["www.gd.jcy.gov.cn"] == 0 || byHost["www.hbjc.gov.cn"] != 0 {
		t.Errorf("stored while hbjc stalled: %v", byHost)
	}
	close(hb.release)
	if h := <-done; h != "www.hbjc.gov.cn" {
		t.Errorf("last site to end: %s", h)
	}
	res := <-out
	if res.err != nil || res.sum.Outcome != sppcrawl.RunOK {
		t.Fatalf("run: %+v, %v", res.sum, res.err)
	}
	byHost = storedByHost(t, db)
	if n, _ := db.Count(context.Background()); res.sum.Created != n || byHost["www.hbjc.gov.cn"] == 0 {
		t.Errorf("run created %d, archive holds %d (%v)", res.sum.Created, n, byHost)
	}
	if last, ok, err := db.LastRun(context.Background()); err != nil || !ok || last.Created != res.sum.Created {
		t.Errorf("last run recorded: %+v, %v, %v; want the three sites'", last, ok, err)
	}
}

// storedByHost counts the archive's articles by their URL's host.
func storedByHost(t *testing.T, db interface {
	Since(context.Context, uint64, int) ([]*sppcrawl.Article, error)
}) map[string]int {
	t.Helper()
	arts, err := db.Since(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, a := range arts {
		if u, err := url.Parse(a.URL); err == nil {
			out[u.Hostname()]++
		}
	}
	return out
}

// A dead host fails its site's run alone: the error names it, the other
// site's articles are stored, and the run's outcome is the worst.
func TestGroup_DeadSiteNamed(t *testing.T) {
	gd := httptest.NewServer(http.FileServer(http.Dir("../testdata/sites/www.gd.jcy.gov.cn")))
	t.Cleanup(gd.Close)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	bad := siteConfig(t, "www.hbjc.gov.cn", dead.URL)
	bad.MaxAttempts = 1
	db := openStore(t)
	g, err := crawler.NewGroup([]crawler.Config{siteConfig(t, "www.gd.jcy.gov.cn", gd.URL), bad}, db)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := g.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "1 did not end ok: hbjc: ") || strings.Contains(err.Error(), "gd.jcy:") {
		t.Errorf("run error %v; want hbjc's alone named", err)
	}
	if sum.Outcome != sppcrawl.RunError || sum.Created == 0 {
		t.Errorf("summary %+v; want an error with gd's articles created", sum)
	}
	if byHost := storedByHost(t, db); byHost["www.gd.jcy.gov.cn"] != sum.Created {
		t.Errorf("stored %v, want gd's %d", byHost, sum.Created)
	}
}

// Two sites whose channels share their paths (the same TRS fixture served
// as two hosts), crawled at once and cut by --max-pages: each keeps its own
// walk, to be resumed, under its own host.
func TestGroup_SamePathsKeepTheirWalks(t *testing.T) {
	fixture := http.FileServer(http.Dir("../testdata/sites/www.gd.jcy.gov.cn"))
	var cfgs []crawler.Config
	for _, host := range []string{"www.gd.jcy.gov.cn", "www.zz.jcy.gov.cn"} {
		srv := httptest.NewServer(fixture)
		t.Cleanup(srv.Close)
		cfg := siteConfig(t, host, srv.URL)
		cfg.MaxPages = 1
		cfgs = append(cfgs, cfg)
	}
	db := openStore(t)
	g, err := crawler.NewGroup(cfgs, db)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := g.Run(context.Background()); err != nil || len(sum.Resuming) == 0 {
		t.Fatalf("run: %s, %v; want walks left to resume", sum, err)
	}
	states, err := db.ChannelStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	walks := map[string]map[string]int{}
	for _, st := range states {
		if st.Walk != nil {
			if walks[st.Path] == nil {
				walks[st.Path] = map[string]int{}
			}
			walks[st.Path][st.Site] = st.Walk.Next
		}
	}
	if len(walks) == 0 {
		t.Fatal("no walk left")
	}
	for path, bySite := range walks {
		if bySite["www.gd.jcy.gov.cn"] != 2 || bySite["www.zz.jcy.gov.cn"] != 2 {
			t.Errorf("walks of %s by site: %v; want each site's at page 2", path, bySite)
		}
	}
}
