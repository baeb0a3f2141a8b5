package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
	"sppcrawl/store"
	"sppcrawl/web"
)

// localName is the local site's name as the registry gives it.
const localName = "广东省人民检察院"

// twoSites serves the pages of an archive of 4 articles of
// www.spp.gov.cn and 4 of a local site, with its search index.
func twoSites(t *testing.T) *httptest.Server {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	// The local site's navigation, as its crawl records it.
	local := db.ForSite(sites.Of(testarchive.LocalHost))
	if err := local.PutSiteMap(ctx, sppcrawl.SiteMap{DiscoveredAt: today,
		Channels: []sppcrawl.Channel{{Key: "xwzx", Name: "新闻动态", Path: "/xwzx/"}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		for _, a := range []*sppcrawl.Article{testarchive.Article(i), testarchive.LocalArticle(i)} {
			if _, err := db.Upsert(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.CatchUp(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	pages := web.New(db, web.Options{Index: ix, Version: "test", Now: func() time.Time { return today }})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, Pages: pages.Handler()}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

// The home page and the search page of an archive of several sites say
// each article's site and choose a site; an archive of one says nothing
// of sites.
func TestPages_Sites(t *testing.T) {
	srv := twoSites(t)
	for _, tc := range []struct {
		path       string
		has, hasnt []string
	}{
		{"/", []string{"全部站点", `href="/?site=gd.jcy"`, `href="/?site=spp"`, `<span class="muted site">` + localName + `</span>`, "广东：最高检发布"}, nil},
		// An article's page credits its own site (TestPages_Credits: the others).
		{"/articles/gd.jcy-900001", []string{`内容来自<a href="https://www.gd.jcy.gov.cn/">` + localName + `网站</a>`, "　站点：" + localName + "</p>"}, []string{"最高人民检察院网站"}},
		{"/articles/spp-700001", []string{`内容来自<a href="https://www.spp.gov.cn/">最高人民检察院网站</a>`}, []string{"站点："}},
		{"/?site=gd.jcy", []string{`<strong>` + localName + `（4）</strong>`, "广东：最高检发布"}, []string{"/articles/spp-"}},
		{"/?site=spp", []string{"/articles/spp-700001"}, []string{"/articles/gd.jcy-", "广东：最高检发布"}},
		{"/search?q=" + url.QueryEscape("指导性案例"), []string{`<select name="site">`, `<option value="gd.jcy">` + localName + `（4）</option>`, "<b>站点：</b>", `<span class="site">` + localName + `</span>`}, nil},
		{"/search?site=gd.jcy&q=" + url.QueryEscape("指导性案例"), []string{`<option value="gd.jcy" selected>`, "/articles/gd.jcy-900001"}, []string{"/articles/spp-", "<b>站点：</b>"}},
		{"/search?q=" + url.QueryEscape("指导性案例 site:spp"), []string{"/articles/spp-700001"}, []string{"/articles/gd.jcy-"}},
		{"/search?channel=/xwzx/", []string{`<span class="muted site">` + localName + `</span>`}, nil},
		{"/channels", []string{`<small class="muted">` + localName + ` /xwzx/</small>`, `<small class="muted">最高人民检察院 /spp/jczdal/</small>`}, nil},
	} {
		code, body, _ := get(t, srv.URL+tc.path)
		if code != http.StatusOK {
			t.Errorf("%s: %d", tc.path, code)
		}
		for _, s := range tc.has {
			if !strings.Contains(body, s) {
				t.Errorf("%s: no %s", tc.path, s)
			}
		}
		for _, s := range tc.hasnt {
			if strings.Contains(body, s) {
				t.Errorf("%s: %s, which it must not show", tc.path, s)
			}
		}
	}
	if code, body, _ := get(t, srv.URL+"/?site="+url.QueryEscape("<x>")); code != http.StatusBadRequest || !strings.Contains(body, "站点") {
		t.Errorf("a bad site: %d, want 400 saying why", code)
	}
	one, _ := newSite(t)
	for _, path := range []string{"/", "/search?q=" + url.QueryEscape("指导性案例")} {
		if _, body, _ := get(t, one.URL+path); strings.Contains(body, "全部站点") || strings.Contains(body, `class="site"`) || strings.Contains(body, "站点：") {
			t.Errorf("%s of an archive of one site speaks of sites", path)
		}
	}
}

// A local site's channels are named as its navigation names them (its
// site map), on the home page, the channel list and the channel's own
// page, which its links reach.
func TestPages_LocalChannels(t *testing.T) {
	srv := twoSites(t)
	for _, tc := range []struct{ path, want string }{
		{"/?site=gd.jcy", `<h2><a href="/search?channel=xwzx">新闻动态</a>`},
		{"/channels", `<a href="/search?channel=xwzx">新闻动态</a>`},
		{"/search?channel=xwzx", "<title>新闻动态 · "},
		{"/search?channel=/xwzx/", "<title>新闻动态 · "},
	} {
		code, body, _ := get(t, srv.URL+tc.path)
		if code != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %q in\n%.2000s", tc.path, code, tc.want, body)
		}
	}
	if _, body, _ := get(t, srv.URL+"/search?channel=xwzx"); !strings.Contains(body, `href="/articles/gd.jcy-900001"`) {
		t.Errorf("the local channel's page lists none of its articles")
	}
}

// The footer of a page not of one article credits the sites whose
// articles it shows: all the archive holds, the default first, or those
// ?site= chooses; an archive of one site credits that one alone.
func TestPages_Credits(t *testing.T) {
	const (
		spp   = `<a href="https://www.spp.gov.cn/">最高人民检察院网站</a>`
		local = `<a href="https://www.gd.jcy.gov.cn/">` + localName + `网站</a>`
		both  = "内容来自" + spp + "、" + local + "，由"
	)
	srv := twoSites(t)
	q := url.QueryEscape("指导性案例")
	for _, tc := range []struct{ path, want string }{
		{"/", both},
		{"/channels", both},
		{"/cases", both},
		{"/documents", both},
		{"/search?q=" + q, both},
		{"/search?channel=/xwzx/", "内容来自" + local + "，由"}, // its articles are the local site's
		{"/search?channel=qwfb", "内容来自" + spp + "，由"},
		{"/search?channel=tt", both}, // a local article stored under spp's /spp/tt/ too
		{"/nowhere", both},
		{"/?site=gd.jcy", "内容来自" + local + "，由"},
		{"/search?site=gd.jcy&q=" + q, "内容来自" + local + "，由"},
		{"/?site=spp", "内容来自" + spp + "，由"},
		{"/?site=gd.jcy,spp", both},
		{"/articles/gd.jcy-900001", "内容来自" + local + "，由"},
	} {
		if _, body, _ := get(t, srv.URL+tc.path); !strings.Contains(body, tc.want) {
			t.Errorf("%s: the footer %q, want %q", tc.path, footer(body), tc.want)
		}
	}
	one, _ := newSite(t)
	for _, path := range []string{"/", "/channels", "/search?q=" + q} {
		if _, body, _ := get(t, one.URL+path); !strings.Contains(body, "内容来自"+spp+"，由") {
			t.Errorf("%s of an archive of spp: the footer %q, want spp's alone", path, footer(body))
		}
	}
}

// footer is the footer of a page's HTML.
func footer(body string) string {
	_, f, _ := strings.Cut(body, `<footer class="bottom">`)
	f, _, _ = strings.Cut(f, "</footer>")
	return strings.TrimSpace(f)
}

// A person chooses a site in the search form and gets its results only.
func TestBrowser_SiteSelect(t *testing.T) {
	srv := twoSites(t)
	w := &watcher{origin: srv.URL}
	ctx := browse(t, w)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	err := chromedp.Do(tctx,
		chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("指导性案例")),
		chromedp.WaitVisible(css(`select[name=site]`)),
		chromedp.SetValue(css(`select[name=site]`), "gd.jcy"),
		chromedp.Submit(css(`form.filters input[name=q]`)),
		chromedp.WaitReady(css(`select[name=site] option[value="gd.jcy"][selected]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(tctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	sites, err := chromedp.Run(tctx, chromedp.Evaluate[string](`[...document.querySelectorAll("ol.list li .site")].map(e => e.innerText).join("|")`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "site=gd.jcy") || sites != strings.TrimSuffix(strings.Repeat(localName+"|", 4), "|") {
		t.Errorf("after choosing the site: %s, results of %q", loc, sites)
	}
	checkPage(t, tctx, "search by site")
	if bad := w.take(); len(bad) > 0 {
		t.Errorf("%s", strings.Join(bad, "; "))
	}
}

// A channel of another site's table is found by its key or name, as the
// article page links it (/search?channel=KEY).
func TestPages_ChannelOfAnotherSite(t *testing.T) {
	srv := twoSites(t)
	for _, ch := range []string{"qss", url.QueryEscape("起诉书"), url.QueryEscape("/12309/gj/zjxflws/qss/")} {
		code, body, _ := get(t, srv.URL+"/search?channel="+ch)
		if code != http.StatusOK || strings.Contains(body, "没有这个频道") {
			t.Errorf("/search?channel=%s: %d, %s", ch, code, sppcrawl.Clip(body, 300))
		}
	}
}
