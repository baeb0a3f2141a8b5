package web_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// The ids of the test site's articles of each page kind.
const (
	corrected = "spp-700001" // three versions (testarchive.Corrected)
	hostile   = "spp-990001" // a title and body that try to run script
	withCases = "spp-990002"
	document  = "spp-990003"
	withdrawn = "spp-700004"
)

// today is the pages' clock: three days after the last correction of
// testarchive.Corrected's fixed clock.
var today = time.Date(2026, 11, 25, 9, 0, 0, 0, sppcrawl.CST())

// hostileTitle is a title that would run script if it were not escaped.
const hostileTitle = `<script>alert("t")</script><img src=x onerror=alert(1)>标题`

// newSite is the archive behind the page tests: testarchive.Corrected, a
// hostile article, one holding cases, a document taking effect in ten
// days, one withdrawn; its search index; and serve's handler over it.
func newSite(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := testarchive.Corrected(t)
	ctx := context.Background()
	h := testarchive.Article(90)
	h.ID, h.Title = hostile, hostileTitle
	h.URL = "https://www.spp.gov.cn/spp/tt/202601/t20260104_990001.shtml"
	h.Paragraphs = []string{"危险的正文。"}
	h.BodyHTML = `<p onclick="alert(2)" style="text-align:center">危险的正文。<script>alert(3)</script></p>` +
		`<a href="javascript:alert(4)">链接</a><img src="https://www.spp.gov.cn/a.jpg" alt="未存档的图"><iframe src="https://evil.example/"></iframe>`
	h.ContentHash = h.ComputeHash()
	c := testarchive.Article(91)
	c.ID, c.URL, c.ChannelPath, c.Channel = withCases, "https://www.spp.gov.cn/spp/jczdal/202601/t20260104_990002.shtml", "/spp/jczdal/", "指导性案例"
	c.Title = "最高人民检察院第五十七批指导性案例"
	c.Cases = []sppcrawl.Case{{Number: "检例第257号", Title: "陈某抢劫再审抗诉案", Keywords: []string{"再审抗诉", "抢劫"},
		Sections: []sppcrawl.Section{{Heading: "要旨", Paragraphs: []string{"办理刑事抗诉案件，要注重证据审查。"}}}}}
	c.ContentHash = c.ComputeHash()
	d := testarchive.Article(92)
	d.ID, d.URL, d.ChannelPath, d.Channel = document, "https://www.spp.gov.cn/spp/sfjs/202601/t20260104_990003.shtml", "/spp/sfjs/", "司法解释"
	d.Title = "关于办理涉案财物案件若干问题的规定"
	d.Document = &sppcrawl.Document{Number: "高检发释字〔2026〕1号", Adopted: "2026-01-02",
		Effective: today.AddDate(0, 0, 10).Format(time.DateOnly)}
	d.ContentHash = d.ComputeHash()
	for _, a := range []*sppcrawl.Article{h, c, d} {
		if _, err := db.Upsert(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	w := testarchive.Article(4)
	run := today
	for i := range 2 {
		if _, err := db.RecordGone(ctx, w.URL, run.Add(time.Duration(i)*time.Hour), "HTTP 404"); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := search.Open(search.PathFor(db.Path()), search.Options{})
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
	return srv, db
}
