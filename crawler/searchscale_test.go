package crawler_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// benchSearch is BenchmarkScale's part for the search index, on the
// archive at dbPath:
//
//	index   `index --rebuild` in a child: articles/s, CPU per article,
//	        peak RSS and heap, index bytes per article
//	search-long   a 3+-character term with a channel and a year, newest
//	        first, 20 results with snippets and facets: p50, p99
//	search-short  a 1–2-character term, the same way, and over the whole
//	        archive (every article matches: the worst case)
func benchSearch(b *testing.B, dbPath string, n int) {
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			r := runChild(b, "index", dbPath, "", "")
			if r.created < n {
				b.Fatalf("the rebuild indexed %d of %d articles\n%s", r.created, n, r.out)
			}
			st, err := os.Stat(search.PathFor(dbPath))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(r.created)/r.wall.Seconds(), "articles/s")
			b.ReportMetric(float64(r.cpu.Microseconds())/1000/float64(r.created), "cpu-ms/article")
			b.ReportMetric(float64(r.hwm)/1024, "peak-RSS-MB")
			b.ReportMetric(float64(r.anon)/1024, "peak-anon-MB")
			b.ReportMetric(float64(st.Size())/float64(r.created)/1024, "KB/article")
		}
	})
	db, err := store.Open(dbPath, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ix, err := search.Open(search.PathFor(dbPath), search.Options{ReadOnly: true, Timeout: 10 * time.Second})
	if err != nil {
		b.Skipf("no index (run the index sub-benchmark first): %v", err)
	}
	defer ix.Close()
	chans := sortedChannels()
	filtered := func(terms []string) func(r *rand.Rand) search.Request {
		return func(r *rand.Rand) search.Request {
			ch := chans[r.IntN(len(chans))]
			year := fmt.Sprint(2007 + r.IntN(20))
			return search.Request{Query: terms[r.IntN(len(terms))], Channels: []string{ch}, From: year, To: year,
				Facets: []string{"channel", "year", "kind"}}
		}
	}
	whole := func(terms []string) func(r *rand.Rand) search.Request {
		return func(r *rand.Rand) search.Request {
			return search.Request{Query: terms[r.IntN(len(terms))], Facets: []string{"channel", "year", "kind"}}
		}
	}
	long := []string{"最高人民检察院", "检察机关", "法律监督", "公益诉讼", "高质量发展", "审查起诉 未成年人", "检例第"}
	short := []string{"罪", "检察", "惩治", "案", "依法", "监督"}
	benchPages(b, db, ix)
	for _, c := range []struct {
		name string
		req  func(*rand.Rand) search.Request
	}{
		{"search-long", filtered(long)},
		{"search-short", filtered(short)},
		{"search-long-whole", whole(long)},
		{"search-short-whole", whole(short)},
	} {
		b.Run(c.name, func(b *testing.B) { latencies(b, ix, db, c.req) })
	}
}

// latencies runs 200 searches made by req and reports p50 and p99.
func latencies(b *testing.B, ix *search.Index, db *store.DB, req func(*rand.Rand) search.Request) {
	for b.Loop() {
		r := rand.New(rand.NewPCG(1, 2))
		var ds []time.Duration
		total := 0
		for range 200 {
			q := req(r)
			start := time.Now()
			res, err := ix.Search(context.Background(), db, q)
			if err != nil {
				b.Fatalf("%+v: %v", q, err)
			}
			ds = append(ds, time.Since(start))
			total += res.Total
		}
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(total)/float64(len(ds)), "results/query")
	}
}

// childIndex rebuilds the index of the archive at path: articles and
// versions indexed.
func childIndex(path string) (articles, versions int, err error) {
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer ix.Close()
	rep, err := ix.Rebuild(context.Background(), db, nil)
	return rep.Articles, rep.Versions, err
}

// benchPages measures the web pages on the archive: each kind rendered
// 50 times (an article page at random articles), p95 and the largest
// page's bytes beside the article's own body.
func benchPages(b *testing.B, db *store.DB, ix *search.Index) {
	h := web.New(db, web.Options{Index: ix}).Handler()
	ids := sampleIDs(b, db, 50)
	chans := sortedChannels()
	for _, c := range []struct {
		name string
		path func(r *rand.Rand) string
	}{
		{"page-home", func(*rand.Rand) string { return "/" }},
		{"page-search", func(r *rand.Rand) string {
			return "/search?q=" + url.QueryEscape("法律监督") + "&channel=" + chans[r.IntN(len(chans))]
		}},
		{"page-browse", func(r *rand.Rand) string { return "/search?channel=" + chans[r.IntN(len(chans))] }},
		{"page-article", func(r *rand.Rand) string { return "/articles/" + ids[r.IntN(len(ids))] }},
		{"page-channels", func(*rand.Rand) string { return "/channels" }},
		{"page-cases", func(*rand.Rand) string { return "/cases" }},
		{"page-documents", func(*rand.Rand) string { return "/documents" }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := rand.New(rand.NewPCG(3, 4))
				var ds []time.Duration
				largest := 0
				for range 50 {
					p := c.path(r)
					rec := httptest.NewRecorder()
					start := time.Now()
					h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
					ds = append(ds, time.Since(start))
					if rec.Code != 200 {
						b.Fatalf("%s: %d", p, rec.Code)
					}
					n := rec.Body.Len()
					if strings.HasPrefix(p, "/articles/") {
						n -= articleBodyBytes(b, db, strings.TrimPrefix(p, "/articles/"))
					}
					largest = max(largest, n)
				}
				slices.Sort(ds)
				b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(largest)/1024, "KB-beside-body")
			}
		})
	}
}

// articleBodyBytes is the size of an article's own body HTML.
func articleBodyBytes(b *testing.B, db *store.DB, id string) int {
	st, err := db.Get(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	return len(st.Article.BodyHTML)
}
