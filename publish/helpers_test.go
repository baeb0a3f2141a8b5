package publish_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

func openTestDB(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "a.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

var channelsForTest = []string{"/spp/tt/", "/spp/jczdal/", "/spp/qwfb/"}

// testArticle is article i, as extract would give it.
func testArticle(i int) *extract.Article {
	ch := channelsForTest[i%len(channelsForTest)]
	pub := time.Date(2026, 1, 1, 9, 0, 0, 0, extract.CST()).Add(time.Duration(i) * time.Hour)
	a := &extract.Article{
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
		Images:      []extract.Image{},
		Attachments: []extract.Attachment{},
	}
	if i%3 == 0 {
		a.Kicker = "应勇强调"
		a.Images = []extract.Image{{URL: fmt.Sprintf("https://www.spp.gov.cn/spp/tt/2026-01/01/%d/images/a.jpg", 700000+i), Alt: "配图"}}
	}
	if i%5 == 0 {
		a.Attachments = []extract.Attachment{{URL: fmt.Sprintf("https://www.spp.gov.cn/spp/jczdal/202601/P0%d.pdf", i), Name: "全文.pdf"}}
	}
	for _, p := range a.Paragraphs {
		a.BodyHTML += "<p>" + p + "</p>\n"
	}
	a.ContentHash = a.ComputeHash()
	return a
}

// seed stores articles [from, to) from 8 goroutines.
func seed(tb testing.TB, db *store.DB, from, to int) {
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
				if _, err := db.Upsert(context.Background(), testArticle(i), nil); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
