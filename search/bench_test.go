package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/realtext"
	"sppcrawl/search"
)

// BenchmarkIndex measures indexing and searching on text in the site's
// own words: articles of the live site's length made of sentences drawn
// from the real pages in ../shared/realpages (BenchmarkScale's synthetic
// site repeats 26 words, which makes an index smaller and cheaper than the
// site's text does). It indexes n articles (SPPCRAWL_BENCH_INDEX_SIZE,
// default 3,000) as a rebuild does (batches of up to 1,024 articles or 4 MB
// of text; a crawl indexes as it goes, in the same batches), then
// 1,000 more as 50 cron runs storing 20 each do (each opening the index),
// then 50 runs storing one each, each followed by a run with nothing new,
// and reports CPU per article of each and the index's bytes per article;
// then p50/p99 of 200 searches for a 3+-character and a 1–2-character term
// with a channel and a year, newest first, 20 results with snippets and
// facets.
//
// Run: go test ./search -run '^$' -bench Index -benchtime 1x
func BenchmarkIndex(b *testing.B) {
	sentences := realtext.Load(b)
	n := 3000
	if env := os.Getenv("SPPCRAWL_BENCH_INDEX_SIZE"); env != "" {
		var err error
		if n, err = strconv.Atoi(env); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "x.search")
	arch := &memArchive{}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			os.Remove(path)
			arch.arts, arch.byID = nil, nil
			r := rand.New(rand.NewPCG(1, 2))
			arch.add(r, sentences, n)
			full := cpuOf(func() { catchUp(b, path, arch, n) })
			var cron, one, none time.Duration
			var size int64
			for range 50 {
				arch.add(r, sentences, 20)
				cron += cpuOf(func() { size = catchUp(b, path, arch, 20) })
			}
			for range 50 {
				arch.add(r, sentences, 1)
				one += cpuOf(func() { size = catchUp(b, path, arch, 1) })
				none += cpuOf(func() { catchUp(b, path, arch, 0) })
			}
			b.ReportMetric(float64(full.Microseconds())/1000/float64(n), "full-cpu-ms/article")
			b.ReportMetric(float64(cron.Microseconds())/1000/1000, "cron-cpu-ms/article")
			b.ReportMetric(float64(one.Microseconds())/1000/50, "run-of-1-cpu-ms")
			b.ReportMetric(float64(none.Microseconds())/1000/50, "run-of-0-cpu-ms")
			b.ReportMetric(float64(size)/float64(n+1050)/1024, "KB/article")
		}
	})
	ix, err := search.Open(path, search.Options{ReadOnly: true, Timeout: 10 * time.Second})
	if err != nil {
		b.Skipf("no index (run the write sub-benchmark first): %v", err)
	}
	defer ix.Close()
	for _, c := range []struct {
		name  string
		terms []string
	}{
		{"search-long", []string{"检察机关", "最高人民检察院", "人民法院", "犯罪嫌疑人", "依法"}},
		{"search-short", []string{"罪", "检察", "案", "法律", "监督"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := rand.New(rand.NewPCG(3, 4))
				var ms []float64
				for range 200 {
					req := search.Request{Query: c.terms[r.IntN(len(c.terms))], Channels: []string{fmt.Sprintf("/spp/c%d/", r.IntN(12))},
						From: fmt.Sprint(2020 + r.IntN(n*2/24/365+1)), Facets: []string{"channel", "year", "kind"}}
					req.To = req.From
					start := time.Now()
					if _, err := ix.Search(context.Background(), arch, req); err != nil {
						b.Fatal(err)
					}
					ms = append(ms, float64(time.Since(start).Microseconds())/1000)
				}
				slices.Sort(ms)
				b.ReportMetric(ms[len(ms)/2], "p50-ms")
				b.ReportMetric(ms[len(ms)*99/100], "p99-ms")
			}
		})
	}
}

// catchUp opens the index, catches it up with arch, which must index want
// articles, and closes it: what a command that stored them does. It
// returns the index's size on disk then.
func catchUp(b *testing.B, path string, arch search.Archive, want int) int64 {
	ix, err := search.Open(path, search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := ix.CatchUp(context.Background(), arch, nil)
	ix.Close()
	if err != nil || rep.Articles != want {
		b.Fatalf("catch-up indexed %d of %d: %v", rep.Articles, want, err)
	}
	return ix.Size() // closed: its log checkpointed
}

func cpuOf(f func()) time.Duration {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	f()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	return time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
}

// memArchive is an archive in memory: articles in seq order, no earlier
// versions.
type memArchive struct {
	arts []*sppcrawl.Article
	byID map[string]*sppcrawl.Article
}

// add appends n articles of drawn sentences, in 12 channels, a newer one
// every two hours or so.
func (m *memArchive) add(r *rand.Rand, sentences []string, n int) {
	for range n {
		i := len(m.arts)
		a := &sppcrawl.Article{ID: fmt.Sprintf("spp-%d", 800000+i), Version: 1,
			ChannelPath: fmt.Sprintf("/spp/c%d/", i%12), Title: sentences[r.IntN(len(sentences))],
			PublishedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, sppcrawl.CST()).Add(time.Duration(i)*2*time.Hour + time.Duration(r.IntN(3600))*time.Second),
			Paragraphs:  realtext.Paragraphs(r, sentences)}
		if m.byID == nil {
			m.byID = map[string]*sppcrawl.Article{}
		}
		m.arts, m.byID[a.ID] = append(m.arts, a), a
	}
}

func (m *memArchive) SinceSeq(_ context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error) {
	end := min(int(after)+limit, len(m.arts))
	if int(after) >= end {
		return nil, after, nil
	}
	return m.arts[after:end], uint64(end), nil
}

func (m *memArchive) LastSeq(context.Context) (uint64, error) { return uint64(len(m.arts)), nil }

func (m *memArchive) CountAfter(_ context.Context, after uint64) (int, error) {
	return max(len(m.arts)-int(after), 0), nil
}

func (m *memArchive) EarlierVersions(context.Context, string) ([]*sppcrawl.Article, error) {
	return nil, nil
}

func (m *memArchive) ArticleVersion(_ context.Context, id string, v int) (*sppcrawl.Article, error) {
	if a := m.byID[id]; a != nil && a.Version == v {
		return a, nil
	}
	return nil, fmt.Errorf("%s v%d: %w", id, v, os.ErrNotExist)
}
