package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/store"
	"sppcrawl/web"
)

// pos is the position a page's pager shows.
const pos = `document.querySelector(".pager .pos")?.innerText ?? ""`

// A reader pages a search forward and back by clicking: each page says
// where it is, 上一页 leads to the page before (not the first), 第一页 to
// the first.
func TestBrowser_Paging(t *testing.T) {
	srv, _ := newPagedSite(t, 186)
	w := &watcher{origin: srv.URL}
	ctx, cancel := context.WithTimeout(browse(t, w), 60*time.Second)
	defer cancel()
	click := func(rel string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`.pager a[rel=`+rel+`]`), chromedp.NodeVisible)
	}
	steps := []struct {
		action chromedp.Action[chromedp.Void]
		want   string
	}{
		{chromedp.Navigate(srv.URL + "/search?channel=tt&q=" + url.QueryEscape("第一段")), "第 1–20 条 / 共 62 条"},
		{click("next"), "第 21–40 条 / 共 62 条"},
		{click("next"), "第 41–60 条 / 共 62 条"},
		{click("prev"), "第 21–40 条 / 共 62 条"},
		{click("next"), "第 41–60 条 / 共 62 条"},
		{click("next"), "第 61–62 条 / 共 62 条"},
		{click("first"), "第 1–20 条 / 共 62 条"},
	}
	for i, s := range steps {
		// The click's page is the one that shows the wanted position.
		at := chromedp.WaitVisible(chromedp.Search(`//nav[@class="pager"]/span[@class="pos"][text()="` + s.want + `"]`))
		if err := chromedp.Do(ctx, s.action, at); err != nil {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](pos))
			t.Fatalf("step %d: position %q, want %q: %v", i, got, s.want, err)
		}
		if bad := w.take(); len(bad) > 0 {
			t.Errorf("step %d: %v", i, bad)
		}
	}
	shoot(t, ctx, screenshotDir(t), "paging")
}

// At a phone's 390 px, /search has one search box, and the diff's field
// table stacks the two versions: each value as wide as the screen allows,
// the newer under the older.
func TestBrowser_PhoneLayout(t *testing.T) {
	srv, _ := newSite(t)
	w := &watcher{origin: srv.URL}
	ctx, cancel := context.WithTimeout(browse(t, w), 60*time.Second)
	defer cancel()
	dir := screenshotDir(t)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)
	if err := chromedp.Do(ctx, phone, chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("第一段")), chromedp.WaitVisible(chromedp.CSS("ol.list"))); err != nil {
		t.Fatal(err)
	}
	boxes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("input[name=q]")].filter(i => i.offsetParent !== null).length`))
	if err != nil || boxes != 1 {
		t.Errorf("/search at 390 px: %d search boxes (%v), want 1", boxes, err)
	}
	qbox, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(r => [r.left, r.right])(document.querySelector("form.filters input[name=q]").getBoundingClientRect())`))
	if err != nil || len(qbox) != 2 || qbox[0] < 0 || qbox[1] > 390 || qbox[1]-qbox[0] < 300 {
		t.Errorf("/search at 390 px: the search box spans %v (%v), want most of the screen", qbox, err)
	}
	shoot(t, ctx, dir, "390-search-one-box")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/articles/"+corrected+"/diff?from=1&to=3"), chromedp.WaitVisible(chromedp.CSS("table.fields"))); err != nil {
		t.Fatal(err)
	}
	type box struct{ Left, Right, Top, Bottom, Width float64 }
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[][]box](`[...document.querySelectorAll("table.fields tbody tr")].map(tr =>
		[...tr.querySelectorAll("td")].map(td => { const r = td.getBoundingClientRect(); return {Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom, Width: r.width} }))`))
	if err != nil || len(cells) == 0 {
		t.Fatalf("diff fields: %v %v", cells, err)
	}
	for i, row := range cells {
		if len(row) != 2 {
			t.Fatalf("row %d: %d cells", i, len(row))
		}
		old, cur := row[0], row[1]
		if old.Right > 390 || cur.Right > 390 || old.Width < 300 || cur.Width < 300 || cur.Top < old.Bottom-1 {
			t.Errorf("row %d at 390 px: the versions %+v and %+v are not stacked across the screen", i, old, cur)
		}
	}
	shoot(t, ctx, dir, "390-diff-fields")
	if bad := w.take(); len(bad) > 0 {
		t.Error(bad)
	}
}

// An archived SVG shows inside its article as an image (its script never
// runs: the watcher fails on a dialog), served as image/svg+xml.
func TestBrowser_SVGInArticle(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	const svgURL = "https://www.spp.gov.cn/spp/tt/202601/W0.svg"
	a := testarchive.Article(3)
	a.Images = []sppcrawl.Image{{URL: svgURL, Alt: "示意图"}}
	a.BodyHTML = `<p>正文。</p><p><img src="` + svgURL + `" alt="示意图"></p>`
	a.ContentHash = a.ComputeHash()
	if _, err := db.Upsert(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#a00"/><script>alert(document.domain)</script></svg>`)
	if _, _, err := db.PutMedia(ctx, []string{a.ID}, svgURL, svg, "image/svg+xml", time.Now()); err != nil {
		t.Fatal(err)
	}
	pages := web.New(db, web.Options{Version: "test"})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Pages: pages.Handler()}).Handler())
	defer srv.Close()
	w := &watcher{origin: srv.URL}
	bctx, cancel := context.WithTimeout(browse(t, w), 30*time.Second)
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/articles/"+a.ID), chromedp.WaitVisible(chromedp.CSS(".body img"))); err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(bctx, chromedp.Evaluate[int](`new Promise(done => {
		const img = document.querySelector(".body img");
		if (img.complete) { done(img.naturalWidth); return; }
		img.addEventListener("load", () => done(img.naturalWidth));
		img.addEventListener("error", () => done(0));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if width != 120 {
		t.Errorf("the SVG inside the article: natural width %d, want 120", width)
	}
	checkPage(t, bctx, "svg article")
	shoot(t, bctx, screenshotDir(t), "svg-article")
	if bad := w.take(); len(bad) > 0 {
		t.Error(bad)
	}
}
