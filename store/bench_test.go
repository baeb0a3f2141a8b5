package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"sppcrawl"

	"sppcrawl/store"
)

// benchPage is ~100 KB of page-like HTML that compresses like a real page.
func benchPage(i int) []byte {
	var b bytes.Buffer
	r := rand.New(rand.NewPCG(uint64(i), 7))
	words := []string{"最高人民检察院", "检察机关", "依法", "案件", "指导性案例", "<p style=\"text-indent: 2em;\">", "</p>\n", "犯罪嫌疑人", "审查起诉", "，", "。", "法律监督"}
	for b.Len() < 100_000 {
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.Bytes()
}

func benchArticle(i int) (*sppcrawl.Article, *sppcrawl.RawPage) {
	a := newArticle(fmt.Sprint("spp-", i), fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i), fmt.Sprint("第一段", i), "第二段", "第三段")
	return a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: benchPage(i)}
}

// BenchmarkUpsertCreated stores new articles with 100 KB raw pages from 8
// goroutines, as the crawler does.
func BenchmarkUpsertCreated(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "a.db"), store.Options{})
	pages := make([][]byte, 64)
	for i := range pages {
		pages[i] = benchPage(i)
	}
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			a := newArticle(fmt.Sprint("spp-", i), fmt.Sprintf("https://www.spp.gov.cn/spp/tt/202608/t20260805_%d.shtml", i), fmt.Sprint("正文", i))
			if _, err := db.Upsert(context.Background(), a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: pages[i%len(pages)]}); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "upserts/s")
}

// BenchmarkUpsertUnchanged re-stores articles already in the archive.
func BenchmarkUpsertUnchanged(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "a.db"), store.Options{})
	const n = 500
	arts := make([]*sppcrawl.Article, n)
	raws := make([]*sppcrawl.RawPage, n)
	for i := range n {
		arts[i], raws[i] = benchArticle(i)
		if _, err := db.Upsert(context.Background(), arts[i], raws[i]); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) % n
			res, err := db.Upsert(context.Background(), arts[i], raws[i])
			if err != nil || res.Outcome != sppcrawl.Unchanged {
				b.Errorf("%v %v", res.Outcome, err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "upserts/s")
}

// BenchmarkDiskPerArticle stores 10,000 articles with raw pages and reports
// the archive's size per article.
func BenchmarkDiskPerArticle(b *testing.B) {
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "a.db")
		db := MustOpen(b, path, store.Options{})
		const n = 10_000
		var next atomic.Int64
		done := make(chan bool)
		for range 8 {
			go func() {
				for {
					i := int(next.Add(1))
					if i > n {
						done <- true
						return
					}
					a, raw := benchArticle(i)
					a.BodyHTML = string(raw.Body[:20_000])
					if _, err := db.Upsert(context.Background(), a, raw); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for range 8 {
			<-done
		}
		db.Close()
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/n, "bytes/article")
	}
}
