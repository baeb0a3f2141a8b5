package publish_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// twoSiteServer serves an archive of n articles of www.spp.gov.cn and n
// of a local site, stored in turn, with its search index.
func twoSiteServer(t *testing.T, n int) (*httptest.Server, *store.DB) {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	for i := range n {
		for _, a := range []*sppcrawl.Article{testarchive.Article(i), testarchive.LocalArticle(i)} {
			if r, err := db.Upsert(context.Background(), a, nil); err != nil || r.Outcome != sppcrawl.Created {
				t.Fatal(a.ID, r, err)
			}
		}
	}
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix}).Handler())
	t.Cleanup(srv.Close)
	return srv, db
}

// prefixes are the distinct site keys of ids, in order of first sight.
func prefixes(ids []string) []string {
	var out []string
	for _, id := range ids {
		k := id[:strings.LastIndexByte(id, '-')]
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Paging /api/articles by since with site= reaches every article of the
// site once, full pages until the end, and none of another site.
func TestServe_ArticlesSite(t *testing.T) {
	srv, _ := twoSiteServer(t, 7)
	for _, tc := range []struct {
		site string
		want []string
	}{
		{"", []string{"spp", "gd.jcy"}},
		{"spp", []string{"spp"}},
		{"www.spp.gov.cn", []string{"spp"}},
		{"gd.jcy", []string{"gd.jcy"}},
		{"GD.JCY.GOV.CN", []string{"gd.jcy"}},
		{"spp,gd.jcy", []string{"spp", "gd.jcy"}},
		{"hbjc", nil},
	} {
		t.Run(tc.site, func(t *testing.T) {
			var ids []string
			since := uint64(0)
			for range 20 {
				p := getPage(t, srv.URL+"/api/articles?limit=3&since="+strconv.FormatUint(since, 10)+"&site="+url.QueryEscape(tc.site))
				for _, a := range p.Articles {
					ids = append(ids, a.ID)
				}
				if len(p.Articles) == 0 {
					break
				}
				if len(p.Articles) < 3 && p.NextSince == since {
					t.Fatalf("a short page that does not move on: %+v", p)
				}
				since = p.NextSince
			}
			want := 7 * len(tc.want)
			if got := prefixes(ids); !slices.Equal(got, tc.want) || len(ids) != want || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != want {
				t.Errorf("got %d ids of %v, want %d of %v: %v", len(ids), got, want, tc.want, ids)
			}
		})
	}
}

// A site= that can name no site is a 400 saying why, on every surface.
func TestServe_SiteBadInput(t *testing.T) {
	srv, _ := twoSiteServer(t, 2)
	for _, path := range []string{"/api/articles?site=", "/feed.atom?site=", "/api/search?q=%E6%A1%88%E4%BE%8B&site="} {
		resp, err := http.Get(srv.URL + path + url.QueryEscape("<spp>"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte(`site \"\u003cspp\u003e\"`)) && !bytes.Contains(b, []byte(`site \"<spp>\"`)) {
			t.Errorf("%s: %d %s, want 400 naming the site", path, resp.StatusCode, b)
		}
	}
}

// The feeds take site=: only that site's articles, and an id of their own.
func TestServe_FeedSite(t *testing.T) {
	srv, _ := twoSiteServer(t, 4)
	ids := map[string]string{}
	for _, tc := range []struct {
		query string
		want  []string // hosts of the entries' links
	}{
		{"", []string{"www.spp.gov.cn", testarchive.LocalHost}},
		{"?site=gd.jcy", []string{testarchive.LocalHost}},
		{"?site=spp", []string{"www.spp.gov.cn"}},
		{"?site=spp&channel=tt", []string{"www.spp.gov.cn"}},
	} {
		resp, err := http.Get(srv.URL + "/feed.atom" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			ID    string `xml:"id"`
			Items []struct {
				ID string `xml:"id"`
			} `xml:"entry"`
		}
		err = xml.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", tc.query, resp.StatusCode, err)
		}
		var hosts []string
		for _, it := range f.Items {
			u, _ := url.Parse(it.ID) // an entry's id is its canonical URL
			if !slices.Contains(hosts, u.Host) {
				hosts = append(hosts, u.Host)
			}
		}
		slices.Sort(hosts)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(hosts, want) {
			t.Errorf("%s: entries of %v, want %v", tc.query, hosts, want)
		}
		if other, ok := ids[f.ID]; ok {
			t.Errorf("%s has the id of %s: %s", tc.query, other, f.ID)
		}
		ids[f.ID] = tc.query
	}
}

// /api/search takes site= and answers a facet of the hits per site.
func TestServe_SearchSite(t *testing.T) {
	srv, _ := twoSiteServer(t, 5)
	for _, tc := range []struct {
		v     url.Values
		total int
		sites []search.Facet
	}{
		{url.Values{"q": {"指导性案例"}, "facets": {"site"}}, 10, []search.Facet{{Value: testarchive.LocalHost, Name: "gd.jcy", Count: 5}, {Value: "www.spp.gov.cn", Name: "spp", Count: 5}}},
		{url.Values{"q": {"指导性案例"}, "facets": {"site"}, "site": {"gd.jcy"}}, 5, []search.Facet{{Value: testarchive.LocalHost, Name: "gd.jcy", Count: 5}}},
		{url.Values{"q": {"指导性案例 site:spp"}, "facets": {"site"}}, 5, []search.Facet{{Value: "www.spp.gov.cn", Name: "spp", Count: 5}}},
	} {
		code, p, _ := getSearch(t, srv.URL, tc.v)
		if code != 200 || p.Total != tc.total || !slices.Equal(p.Facets["site"], tc.sites) {
			t.Errorf("%v: %d, total %d, site facet %+v; want total %d, %+v", tc.v, code, p.Total, p.Facets["site"], tc.total, tc.sites)
		}
		for _, h := range p.Results {
			if site, ok := h["site"]; strings.HasPrefix(h["id"].(string), "spp-") == ok {
				t.Errorf("%v: hit %v has site %v: spp's hits have none, others theirs", tc.v, h["id"], site)
			}
		}
	}
}

// export --site: the lists, CSV and feeds hold that site's articles only;
// without it the export is as it was.
func TestExport_Site(t *testing.T) {
	_, db := twoSiteServer(t, 3)
	for _, format := range []string{"jsonl", "json", "csv", "jsonfeed"} {
		for _, tc := range []struct {
			sites     search.Sites
			has, hasn string
		}{
			{nil, "spp-700001", ""},
			{nil, "gd.jcy-900001", ""},
			{search.Sites{"spp"}, "spp-700001", "gd.jcy"},
			{search.Sites{"www.gd.jcy.gov.cn"}, "gd.jcy-900001", "spp-"},
		} {
			b := exportFile(t, db, publish.ExportOptions{Format: format, Filter: publish.Filter{Sites: tc.sites}})
			if format == "jsonfeed" {
				tc.has = strings.TrimPrefix(strings.TrimPrefix(tc.has, "spp-"), "gd.jcy-") // a feed's items are named by URL
			}
			if !bytes.Contains(b, []byte(tc.has)) || tc.hasn != "" && bytes.Contains(b, []byte(tc.hasn)) {
				t.Errorf("%s, sites %v: want %q in it and no %q:\n%s", format, tc.sites, tc.has, tc.hasn, b)
			}
		}
	}
}

// A feed's topic with site= is a subscription to that site's articles.
func TestServer_TopicSites(t *testing.T) {
	db, _ := openTestDB(t)
	const host = "127.0.0.1:8080"
	for _, tc := range []struct {
		topic    string
		channels []string
		sites    []string
		err      string
	}{
		{"http://127.0.0.1:8080/feed.atom?site=gd.jcy", nil, []string{"gd.jcy"}, ""},
		{"http://127.0.0.1:8080/feed.atom?site=SPP&channel=jczdal", []string{"/spp/jczdal/"}, []string{"spp"}, ""},
		{"http://127.0.0.1:8080/feed.json?q=%E6%A1%88&site=www.gd.jcy.gov.cn,spp", nil, []string{"www.gd.jcy.gov.cn", "spp"}, ""},
		{"http://127.0.0.1:8080/feed.atom", nil, nil, ""},
		{"http://127.0.0.1:8080/feed.atom?site=a%2Fb", nil, nil, `site "a/b"`},
	} {
		sub, err := publish.NewServer(db, publish.Options{}).Topic(tc.topic, host)
		switch {
		case tc.err == "" && (err != nil || !slices.Equal(sub.Channels, tc.channels) || !slices.Equal(sub.Sites, tc.sites)):
			t.Errorf("%s: %v %v, %v; want %v %v", tc.topic, sub.Channels, sub.Sites, err, tc.channels, tc.sites)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want an error saying %q", tc.topic, err, tc.err)
		}
	}
}

// siteStates records a channel of each site: spp's /spp/tt/ ok, the local
// site's /xwzx/ found empty, and its /jcyw/ missing 40 days ago (stale:
// its problem no longer counts, as in the warnings).
func siteStates(t *testing.T, db *store.DB) {
	t.Helper()
	now := time.Now()
	for _, st := range []sppcrawl.ChannelState{
		{Path: "/spp/tt/", LastRun: now, Health: sppcrawl.HealthOK, NewestURL: testarchive.Article(0).URL},
		{Site: "www.gd.jcy.gov.cn", Path: "/xwzx/", LastRun: now, Health: sppcrawl.HealthEmpty, HealthReason: "a list without items", CompleteURL: testarchive.LocalArticle(1).URL},
		{Site: "www.gd.jcy.gov.cn", Path: "/jcyw/", LastRun: now.Add(-40 * 24 * time.Hour), Health: sppcrawl.HealthMissing, HealthReason: "HTTP 404", NewestURL: "https://www.gd.jcy.gov.cn/jcyw/202601/t20260101_1.shtml"},
	} {
		if err := db.ForSite(sites.Of(st.Site)).PutChannelState(context.Background(), st); err != nil {
			t.Fatal(err)
		}
	}
}

// stats, /healthz and /metrics say each site's articles and health.
func TestStats_Sites(t *testing.T) {
	srv, db := twoSiteServer(t, 3)
	siteStates(t, db)
	st, err := publish.GatherStats(context.Background(), db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := []publish.SiteReport{
		{Site: testarchive.LocalHost, Key: "gd.jcy", Articles: 3, Channels: 2, Unhealthy: 1},
		{Site: "www.spp.gov.cn", Key: "spp", Articles: 3, Channels: 3, Unhealthy: 0},
	}
	if !slices.Equal(st.Sites, want) {
		t.Errorf("stats sites:\n got %+v\nwant %+v", st.Sites, want)
	}
	for _, r := range st.Ledger {
		if w := map[string]string{"/xwzx/": testarchive.LocalHost, "/jcyw/": testarchive.LocalHost}[r.Path]; r.Site != cmp.Or(w, "www.spp.gov.cn") {
			t.Errorf("ledger %s: site %q", r.Path, r.Site)
		}
	}
	_, h := healthOf(t, srv)
	if len(h.Sites) != 2 || h.Sites[0].Status != "degraded" || h.Sites[0].Unhealthy != 1 || h.Sites[1].Status != "ok" || h.Sites[0].Articles != 3 {
		t.Errorf("healthz sites: %+v", h.Sites)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{
		`sppcrawl_channel_health{channel="/xwzx/",health="empty",site="www.gd.jcy.gov.cn"} 1`,
		`sppcrawl_channel_health{channel="/spp/tt/",health="ok",site="www.spp.gov.cn"} 1`,
		`sppcrawl_channel_articles{channel="/spp/jczdal/",site="www.spp.gov.cn"} 1`,
		`sppcrawl_site_articles{site="www.gd.jcy.gov.cn"} 3`,
		`sppcrawl_channel_drift{channel="/xwzx/",site="www.gd.jcy.gov.cn"} 0`,
	} {
		if !bytes.Contains(b, []byte(line+"\n")) {
			t.Errorf("metrics lack %s", line)
		}
	}
}

// A feed of one site is named and linked after it, its entries'
// categories under their own site; spp's feed is as it always was.
func TestServe_FeedOfASite(t *testing.T) {
	srv, _ := twoSiteServer(t, 2)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?site=gd.jcy", []string{"<title>广东省人民检察院 · 发布</title>", `<link href="https://www.gd.jcy.gov.cn/"`, `scheme="https://www.gd.jcy.gov.cn/xwzx/"`, "<name>广东省人民检察院</name>", "<rights>Copyrights©广东省人民检察院</rights>"}},
		{"?site=spp&channel=jczdal", []string{"<title>最高人民检察院 · 指导性案例</title>", `<link href="https://www.spp.gov.cn/spp/jczdal/"`, `scheme="https://www.spp.gov.cn/spp/jczdal/"`}},
		{"", []string{"<title>最高人民检察院 · 发布</title>", `<link href="https://www.spp.gov.cn/"`, `scheme="https://www.gd.jcy.gov.cn/xwzx/"`, `scheme="https://www.spp.gov.cn/spp/jczdal/"`}},
	} {
		resp, err := http.Get(srv.URL + "/feed.atom" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range tc.want {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("%s: no %s in\n%s", tc.query, w, b)
			}
		}
	}
}
