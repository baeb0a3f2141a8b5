package crawler_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"sppcrawl/search"
	"sppcrawl/store"
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
