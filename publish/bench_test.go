package publish_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"sppcrawl/publish"
)

// BenchmarkAPIArticles pulls /api/articles?limit=100 at random cursors from
// an archive of 10,000 articles over loopback, 8 clients at once.
func BenchmarkAPIArticles(b *testing.B) {
	db, _ := openTestDB(b)
	seed(b, db, 0, 10_000)
	srv := apiTestServer(b, db)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(fmt.Sprintf("%s/api/articles?since=%d&limit=100", srv.URL, rand.IntN(9_900)))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkExportJSONL exports 10,000 articles as JSON Lines.
func BenchmarkExportJSONL(b *testing.B) {
	db, _ := openTestDB(b)
	seed(b, db, 0, 10_000)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		next, err := publish.Export(context.Background(), db, io.Discard, publish.ExportOptions{Format: "jsonl"})
		if err != nil || next != 10_000 {
			b.Fatalf("next %d, %v", next, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10k-articles")
	}
}
