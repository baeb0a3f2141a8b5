// Package archivetest is the archive's contract as tests: RunArchiveTests
// takes a constructor of an empty archive and checks what every backend
// must do, so the bbolt store runs it now and any later backend
// (PostgreSQL) runs the same tests (litestream's replica client tests are
// the model). The tests assert outcomes a reader can observe through the
// root interfaces only, never a backend's layout.
package archivetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// RunArchiveTests runs the archive's contract against the backend open
// makes: each subtest opens a new, empty archive (closing it is open's
// business, with t.Cleanup).
func RunArchiveTests(t *testing.T, open func(t *testing.T) sppcrawl.Archive) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, db sppcrawl.Archive)
	}{
		{"Upsert", testUpsert},
		{"Predict", testPredict},
		{"Versions", testVersions},
		{"Withdrawal", testWithdrawal},
		{"SeqCursor", testSeqCursor},
		{"Events", testEvents},
		{"ChannelStates", testChannelStates},
		{"Failures", testFailures},
		{"Gaps", testGaps},
		{"RunsAndCounts", testRunsAndCounts},
		{"Rechecks", testRechecks},
		{"Sites", testSites},
		{"CrossSite", testCrossSite},
		{"Media", testMedia},
		{"Subscriptions", testSubscriptions},
		{"Deliveries", testDeliveries},
		{"Notify", testNotify},
		{"NotFound", testNotFound},
		{"Chunks", testChunks},
		{"Unparsed", testUnparsed},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

// The site's URLs: the archive keeps articles by canonical URL, and a
// backend may read the channel from it.
const (
	url1     = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml"
	url2     = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_2.shtml"
	url3     = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_3.shtml"
	urlAlias = "https://www.spp.gov.cn/spp/tt/202608/t20260805_1.shtml"
	image1   = "https://www.spp.gov.cn/spp/jczdal/202608/W020260805_1.jpg"
)

var published = time.Date(2026, 8, 5, 9, 56, 38, 0, sppcrawl.CST())

// article is a whole article as extract makes one, its hash computed.
func article(id, url string, paras ...string) *sppcrawl.Article {
	a := &sppcrawl.Article{
		ID: id, URL: url, Aliases: []string{},
		Channel: "指导性案例", ChannelPath: sites.Default().ChannelPath(url),
		Title: "标题 " + id, PublishedAt: published, Source: "高检网",
		Paragraphs: paras, BodyHTML: fmt.Sprint("<p>", paras, "</p>"),
		Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{},
	}
	a.ContentHash = a.ComputeHash()
	return a
}

// rehash recomputes a's hash after a test changed it.
func rehash(a *sppcrawl.Article) *sppcrawl.Article {
	a.ContentHash = a.ComputeHash()
	return a
}

// raw is the page a came from, its body naming the version.
func raw(a *sppcrawl.Article, body string) *sppcrawl.RawPage {
	return &sppcrawl.RawPage{URL: a.URL, Status: 200, ContentType: "text/html", FetchedAt: time.Now().UTC().Truncate(time.Second), Body: []byte(body)}
}

// mustUpsert stores a and checks the outcome.
func mustUpsert(t *testing.T, db sppcrawl.Archive, a *sppcrawl.Article, p *sppcrawl.RawPage, want sppcrawl.Outcome) sppcrawl.UpsertResult {
	t.Helper()
	res, err := db.Upsert(context.Background(), a, p)
	if err != nil {
		t.Fatalf("upsert %s: %v", a.ID, err)
	}
	if res.Outcome != want {
		t.Fatalf("upsert %s: outcome %v, want %v", a.ID, res.Outcome, want)
	}
	return res
}

// must fails the test on err, naming what was done.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantNotFound checks that err is the root ErrNotFound.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, sppcrawl.ErrNotFound) {
		t.Errorf("%s: %v, want sppcrawl.ErrNotFound", what, err)
	}
}
