package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"
)

// A crawl of the whole site reads the homepage's navigation (once a day),
// crawls every list it links to, and passes over, quietly and from then on,
// the pages of the navigation that are no lists or list no article of the
// site's own.
func TestCrawl_WholeSite(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	// 地方动态 is a list of articles also listed elsewhere; 检察新闻 a hub
	// page of links; 重点推荐 lists only pages of another site.
	shared := s.articles["/spp/gjybs/"][:3]
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case "/spp/dfjcdt/index.shtml":
			w.Write(listHTML(sppcrawl.Channel{Key: "dfjcdt", Name: "地方动态", Path: "/spp/dfjcdt/"}, shared, 1, 1, 3))
		case "/spp/zdgz/index.shtml":
			fmt.Fprint(w, strings.Replace(string(listHTML(sppcrawl.Channel{Key: "zdgz", Name: "重点推荐", Path: "/spp/zdgz/"}, shared, 1, 1, 3)),
				`href="/spp/gjybs/`, `href="https://video.example.com/spp/gjybs/`, -1))
		default:
			return false
		}
		return true
	})
	db := openStore(t)
	cfg := testConfig(srv.URL)
	cfg.Discover, cfg.Full = true, true
	sum := mustRun(t, cfg, db)
	if sum.Outcome != sppcrawl.RunOK || len(sum.Warnings) != 0 || sum.Channels <= len(sites.Default().Channels()) {
		t.Fatalf("first run of the whole site: %s", sum)
	}
	checkArchive(t, db, s)
	for _, r := range sum.Resuming {
		if strings.HasPrefix(r, "jcxw:") || strings.HasPrefix(r, "zdgz:") {
			t.Errorf("a page passed over is left to resume: %s", r)
		}
	}
	m, err := db.SiteMap(context.Background())
	if err != nil || len(m.Channels) == 0 || m.DiscoveredAt.IsZero() {
		t.Fatalf("site map %+v %v", m, err)
	}
	ctx := context.Background()
	for path, want := range map[string]sppcrawl.ChannelKind{"/spp/dfjcdt/": sppcrawl.KindList, "/spp/zdgz/": sppcrawl.KindNoArticles,
		"/spp/jcxw/": sppcrawl.KindNotList, "/spp/gjybs/": sppcrawl.KindList} {
		st, _ := db.ChannelState(ctx, path)
		if st.Kind != want || st.Health != "" && want != sppcrawl.KindList {
			t.Errorf("%s: kind %q health %q, want %q and no health", path, st.Kind, st.Health, want)
		}
	}
	if n, _ := db.Count(ctx); n != len(siteArticles(s)) {
		t.Errorf("%d articles: those 地方动态 lists again are stored once", n)
	}
	// Within the day: no homepage, and the pages passed over are not asked.
	srv.resetHits()
	cfg.Full = false
	sum = mustRun(t, cfg, db)
	for _, p := range []string{"/spp/index.shtml", "/spp/jcxw/index.shtml", "/spp/zdgz/index.shtml"} {
		if n := srv.hitsOf(p); n != 0 {
			t.Errorf("%s asked %d times by the next run", p, n)
		}
	}
	if srv.hitsOf("/spp/dfjcdt/index.shtml") != 1 || sum.Outcome != sppcrawl.RunOK {
		t.Errorf("the next run: 地方动态 asked %d times; %s", srv.hitsOf("/spp/dfjcdt/index.shtml"), sum)
	}
}
