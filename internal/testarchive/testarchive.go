// Package testarchive builds small archives for the tests of the packages
// that read one (publish, search, web, the command line): articles as
// extract would give them, seeded concurrently, and one corrected twice.
package testarchive

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/store"
)

// Open opens a new archive in a temporary folder, closed when the test ends.
func Open(tb testing.TB, opts store.Options) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "a.db")
	db, err := store.Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

// Channels are the channels the articles are spread over, in turn.
var Channels = []string{"/spp/tt/", "/spp/jczdal/", "/spp/qwfb/"}

// Article is article i, as extract would give it: its title holds
// characters to escape, every third has a kicker and an image, every fifth
// an attachment.
func Article(i int) *sppcrawl.Article {
	ch := Channels[i%len(Channels)]
	pub := time.Date(2026, 1, 1, 9, 0, 0, 0, sppcrawl.CST()).Add(time.Duration(i) * time.Hour)
	a := &sppcrawl.Article{
		ID:          fmt.Sprintf("spp-%d", 700000+i),
		URL:         fmt.Sprintf("https://www.spp.gov.cn%s%s/t%s_%d.shtml", ch, pub.Format("200601"), pub.Format("20060102"), 700000+i),
		Aliases:     []string{},
		Channel:     map[string]string{"/spp/tt/": "头条", "/spp/jczdal/": "指导性案例", "/spp/qwfb/": "权威发布"}[ch],
		ChannelPath: ch,
		Title:       fmt.Sprintf("最高检发布第%d批指导性案例 \"引号\" & <符号>", i),
		PublishedAt: pub,
		ModifiedAt:  pub.Add(time.Minute),
		Source:      "高检网",
		Editor:      "贾欣然",
		Paragraphs:  []string{fmt.Sprintf("第%d篇，第一段。", i), "各省、自治区、直辖市人民检察院：", "经最高人民检察院检察委员会决定，现予发布，供参照适用。"},
		Images:      []sppcrawl.Image{},
		Attachments: []sppcrawl.Attachment{},
	}
	if i%3 == 0 {
		a.Kicker = "应勇强调"
		a.Images = []sppcrawl.Image{{URL: fmt.Sprintf("https://www.spp.gov.cn/spp/tt/2026-01/01/%d/images/a.jpg", 700000+i), Alt: "配图"}}
	}
	if i%5 == 0 {
		a.Attachments = []sppcrawl.Attachment{{URL: fmt.Sprintf("https://www.spp.gov.cn/spp/jczdal/202601/P0%d.pdf", i), Name: "全文.pdf"}}
	}
	for _, p := range a.Paragraphs {
		a.BodyHTML += "<p>" + p + "</p>\n"
	}
	a.ContentHash = a.ComputeHash()
	return a
}

// Seed stores articles [from, to) from 8 goroutines.
func Seed(tb testing.TB, db *store.DB, from, to int) {
	tb.Helper()
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				if _, err := db.Upsert(context.Background(), Article(i), nil); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// Corrected is an archive holding spp-700001 corrected twice (three
// versions, each with its raw page: <html>v1</html>, v2, v3) and 5 other
// articles, stored on a fixed clock a day apart from 2026-11-20 09:00.
func Corrected(tb testing.TB) *store.DB {
	tb.Helper()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, sppcrawl.CST())
	db, _ := Open(tb, store.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	for i := range 6 {
		if _, err := db.Upsert(ctx, Article(i), &sppcrawl.RawPage{URL: Article(i).URL, Status: 200, Body: []byte("<html>v1</html>")}); err != nil {
			tb.Fatal(err)
		}
	}
	for i, a := range Corrections() {
		now = now.Add(24 * time.Hour)
		body := []byte("<html>v" + string(rune('2'+i)) + "</html>")
		if res, err := db.Upsert(ctx, a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: body}); err != nil || res.Outcome != sppcrawl.Updated {
			tb.Fatalf("correction %d: %v %v", i+1, res, err)
		}
	}
	return db
}

// Corrections are versions 2 and 3 of article 1: v2 retitled, its first
// paragraph corrected and one added; v3 without its second paragraph and
// with another 来源.
func Corrections() []*sppcrawl.Article {
	v2 := Article(1)
	v2.Title = "最高检发布第1批指导性案例（修订）"
	v2.Paragraphs[0] = "第1篇，第一段（已更正）。"
	v2.Paragraphs = append(v2.Paragraphs, "新增的一段说明。")
	v2.ContentHash = v2.ComputeHash()
	v3 := *v2
	v3.Paragraphs = append([]string{}, v2.Paragraphs[:1]...)
	v3.Paragraphs = append(v3.Paragraphs, v2.Paragraphs[2:]...) // the second paragraph removed
	v3.Source = "最高人民检察院"
	v3.ContentHash = v3.ComputeHash()
	return []*sppcrawl.Article{v2, &v3}
}

// LocalHost is the host of LocalArticle's site, a local procuratorate's.
const LocalHost = "www.gd.jcy.gov.cn"

// LocalArticle is Article(i) as the local site at LocalHost published it:
// its id, URL and site are that site's (key gd.jcy), its channel /xwzx/
// or, for every third, spp's /spp/tt/ (a folder two sites have).
func LocalArticle(i int) *sppcrawl.Article {
	a := Article(i)
	ch := "/xwzx/"
	if i%3 == 0 {
		ch = "/spp/tt/"
	}
	pub := a.PublishedAt
	a.ID, a.Site, a.Channel, a.ChannelPath = fmt.Sprintf("gd.jcy-%d", 900000+i), LocalHost, "新闻中心", ch
	a.URL = fmt.Sprintf("https://%s%s%s/t%s_%d.shtml", LocalHost, ch, pub.Format("200601"), pub.Format("20060102"), 900000+i)
	a.Images, a.Attachments = []sppcrawl.Image{}, []sppcrawl.Attachment{}
	a.Source, a.Title = "广东省人民检察院", "广东："+a.Title
	a.Paragraphs[0] = "广东" + a.Paragraphs[0]
	a.BodyHTML = ""
	for _, p := range a.Paragraphs {
		a.BodyHTML += "<p>" + p + "</p>\n"
	}
	a.ContentHash = a.ComputeHash()
	return a
}

// SiteCounting is an archive that stores articles and counts them by site.
type SiteCounting interface {
	sppcrawl.ArticleStore
	sppcrawl.SiteCounter
}

// CheckCountBySite stores 3 articles of www.spp.gov.cn and 2 of the local
// site into an empty db and checks its CountBySite: the same test for
// every backend.
func CheckCountBySite(t *testing.T, db SiteCounting) {
	t.Helper()
	ctx := context.Background()
	if got, err := db.CountBySite(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty archive: %v, %v", got, err)
	}
	for i := range 3 {
		arts := []*sppcrawl.Article{Article(i)}
		if i < 2 {
			arts = append(arts, LocalArticle(i))
		}
		for _, a := range arts {
			if _, err := db.Upsert(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := db.CountBySite(ctx)
	want := []sppcrawl.SiteCount{{Site: LocalHost, Key: "gd.jcy", Articles: 2}, {Site: "www.spp.gov.cn", Key: "spp", Articles: 3}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CountBySite: %v, %v; want %v", got, err, want)
	}
}
