package search

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/realtext"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// BenchmarkHandoff measures what the hand-off saves a crawl's trailing
// catch-up: 512 articles of the site's length (sentences of the real
// pages) stored in an archive on disk, indexed into a new index as the
// crawl hands them over (the hand-over counted) and as read back from the
// archive; and those two parts alone: handing the articles over, reading
// them back. Reports the process's CPU (not wall time: the machine is
// shared) in µs an article, and the text the hand-off holds an article.
//
// Run: go test ./search -run '^$' -bench Handoff -benchtime 10x
func BenchmarkHandoff(b *testing.B) {
	const n = 512
	db, arts, results := handoffArchive(b, n)
	perArticle := func(b *testing.B, cpu time.Duration) {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/article")
	}
	b.Run("hand-over", func(b *testing.B) {
		held := 0
		perArticle(b, cpuOf(func() {
			for range b.N {
				h := NewHandoff()
				for j, a := range arts {
					h.Stored(a, results[j])
				}
				held = h.bytes
			}
		}))
		b.ReportMetric(float64(held)/n/1000, "held-KB/article")
	})
	b.Run("read-back", func(b *testing.B) {
		perArticle(b, cpuOf(func() {
			for range b.N {
				readBack(b, db)
			}
		}))
	})
	for _, handed := range []bool{true, false} {
		name := map[bool]string{true: "catch-up-handed", false: "catch-up-read-back"}[handed]
		b.Run(name, func(b *testing.B) {
			var cpu time.Duration
			for range b.N {
				path := filepath.Join(b.TempDir(), "x.search")
				ix, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuOf(func() {
					if handed {
						ix.opts.Handoff = NewHandoff()
						for j, a := range arts {
							ix.opts.Handoff.Stored(a, results[j])
						}
					}
					rep, err := ix.CatchUp(context.Background(), db, nil)
					if err != nil || rep.Articles != n || (rep.Handed == n) != handed {
						b.Fatalf("%+v %v", rep, err)
					}
				})
				ix.Close()
				os.Remove(path)
			}
			perArticle(b, cpu)
		})
	}
}

// handoffArchive is an archive of n articles of the site's length, with
// the articles stored and what their upserts returned.
func handoffArchive(b *testing.B, n int) (*store.DB, []*sppcrawl.Article, []sppcrawl.UpsertResult) {
	sentences := realtext.Load(b)
	db, _ := testarchive.Open(b, store.Options{})
	r := rand.New(rand.NewPCG(1, 2))
	var arts []*sppcrawl.Article
	var results []sppcrawl.UpsertResult
	for i := range n {
		a := testarchive.Article(i)
		a.Paragraphs = realtext.Paragraphs(r, sentences)
		a.ContentHash = a.ComputeHash()
		res, err := db.Upsert(context.Background(), a, nil)
		if err != nil {
			b.Fatal(err)
		}
		arts, results = append(arts, a), append(results, res)
	}
	return db, arts, results
}

// readBack reads and decodes the archive's articles as a catch-up does.
func readBack(b *testing.B, db *store.DB) {
	for wm := uint64(0); ; {
		arts, last, err := db.SinceSeq(context.Background(), wm, readSize)
		if err != nil {
			b.Fatal(err)
		}
		if last == wm {
			return
		}
		for _, a := range arts {
			_ = indexableOf(a)
		}
		wm = last
	}
}

// cpuOf is the CPU time the process spent in f.
func cpuOf(f func()) time.Duration {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	f()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	return time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
}
