package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// TestDB_CopyFrom: a bbolt archive of the fixture site, with a corrected
// and a withdrawn article, a failure and a subscription with deliveries,
// copied into PostgreSQL exports the same bytes, with the same seqs,
// versions, raw pages, events, deliveries and pages kept unparsed; a
// second copy is refused.
func TestDB_CopyFrom(t *testing.T) {
	ctx := context.Background()
	bolt := boltFixture(t)
	pg := mustOpen(t)
	rep, err := pg.CopyFrom(ctx, bolt)
	if err != nil || rep.Articles < 40 || rep.Versions != 1 || rep.Media == 0 || rep.Unparsed != 1 {
		t.Fatalf("copy: %+v, %v; want the fixture's articles, 1 earlier version, media, the page kept unparsed", rep, err)
	}
	for _, format := range []string{"jsonl", "csv", "cases", "atom"} {
		if want, got := export(t, bolt, format), export(t, pg, format); string(got) != string(want) {
			t.Errorf("export --format %s of the copy differs\n%s", format, firstDiff(got, want))
		}
	}
	if want, got := rawPages(t, bolt), rawPages(t, pg); !slices.Equal(got, want) {
		t.Errorf("raw pages: the copy keeps %d, the source %d, or they differ: %q", len(got), len(want), slices.DeleteFunc(want, func(s string) bool { return slices.Contains(got, s) }))
	}
	for _, check := range []func(sppcrawl.Archive) (string, error){
		func(db sppcrawl.Archive) (string, error) {
			h, err := db.History(ctx, "spp-850000")
			return asJSON(h), err
		},
		func(db sppcrawl.Archive) (string, error) { e, err := db.Events(ctx, 0, 1000); return asJSON(e), err },
		func(db sppcrawl.Archive) (string, error) { s, err := db.LastSeq(ctx); return fmt.Sprint(s), err },
		func(db sppcrawl.Archive) (string, error) {
			d, err := db.Deliveries(ctx, "sub-a", 10)
			return asJSON(d), err
		},
		func(db sppcrawl.Archive) (string, error) {
			f, err := db.Failures(ctx, false, time.Time{})
			return asJSON(f), err
		},
		func(db sppcrawl.Archive) (string, error) { g, err := db.Gaps(ctx, ""); return asJSON(g), err },
		func(db sppcrawl.Archive) (string, error) { c, err := db.MediaCounts(ctx); return asJSON(c), err },
		func(db sppcrawl.Archive) (string, error) {
			var kept []string
			err := sppcrawl.EachUnparsed(ctx, db, func(p *sppcrawl.RawPage) error {
				kept = append(kept, p.URL+" "+p.ContentType+" "+string(p.Body))
				return nil
			})
			return asJSON(kept), err
		},
	} {
		want, err1 := check(bolt)
		got, err2 := check(pg)
		if err1 != nil || err2 != nil || got != want {
			t.Errorf("the copy reads %.300s (%v)\nthe source %.300s (%v)", got, err2, want, err1)
		}
	}
	if err := sppcrawl.CompareCopy(ctx, bolt, pg); err != nil {
		t.Errorf("compare the copy: %v", err)
	}
	// And back into a new file: the page kept unparsed comes back whole.
	back, err := store.Open(filepath.Join(t.TempDir(), "back.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if rep, err := back.CopyFrom(ctx, pg); err != nil || rep.Unparsed != 1 {
		t.Errorf("copy back into a file: %+v, %v; want the page kept unparsed", rep, err)
	}
	if p, err := back.UnparsedPage(ctx, "https://www.spp.gov.cn/spp/gjgb/202612/t20261201_999999.shtml"); err != nil || p == nil || string(p.Body) != "<html><h2>改版</h2></html>" {
		t.Errorf("the page kept unparsed, copied there and back: %+v, %v", p, err)
	}
	if _, err := pg.Upsert(ctx, testArticle(99, "多一篇"), nil); err != nil {
		t.Fatal(err)
	}
	if err := sppcrawl.CompareCopy(ctx, bolt, pg); !errors.Is(err, sppcrawl.ErrCopyDiffers) {
		t.Errorf("compare after the copy changed: %v, want ErrCopyDiffers", err)
	}
	if _, err := pg.CopyFrom(ctx, bolt); !errors.Is(err, postgres.ErrNotEmpty) {
		t.Errorf("a second copy: %v, want ErrNotEmpty", err)
	}
}

// boltFixture is a bbolt archive of the fixture site with a correction, a
// withdrawal, a failure and a subscription with two deliveries.
func boltFixture(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(http.FileServer(http.Dir("../testdata/site")))
	defer srv.Close()
	bolt, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	cr, err := crawler.New(crawler.Config{Origin: srv.URL, Media: crawler.MediaAll, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, bolt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := bolt.Get(ctx, "spp-850000")
	if err != nil {
		t.Fatal(err)
	}
	a := *s.Article
	a.Paragraphs = append(slices.Clone(a.Paragraphs), "（更正）")
	a.ContentHash = a.ComputeHash()
	mustDo(t, "correct", func() error {
		_, err := bolt.Upsert(ctx, &a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: []byte("<html>更正</html>")})
		return err
	})
	gone, _ := bolt.Get(ctx, "spp-850001")
	for _, run := range []time.Time{time.Now(), time.Now().Add(time.Hour)} {
		mustDo(t, "gone", func() error { _, err := bolt.RecordGone(ctx, gone.URL, run, "HTTP 404"); return err })
	}
	mustDo(t, "failure", func() error {
		_, err := bolt.RecordFailure(ctx, sppcrawl.Failure{URL: gone.URL + "x", Attempts: 2, LastError: "HTTP 503"})
		return err
	})
	mustDo(t, "keep a page of no known template", func() error {
		return bolt.KeepUnparsed(ctx, &sppcrawl.RawPage{URL: "https://www.spp.gov.cn/spp/gjgb/202612/t20261201_999999.shtml",
			Status: 200, ContentType: "text/html; charset=utf-8", FetchedAt: time.Unix(1e9, 0).UTC(), Body: []byte("<html><h2>改版</h2></html>")})
	})
	mustDo(t, "subscription", func() error {
		return bolt.PutSubscription(ctx, sppcrawl.Subscription{ID: "sub-a", Kind: sppcrawl.KindWebhook, URL: "https://r.example/", State: sppcrawl.SubActive})
	})
	for i := range 2 {
		mustDo(t, "delivery", func() error {
			_, err := bolt.RecordDelivery(ctx, "sub-a", sppcrawl.Delivery{At: time.Unix(int64(1e9+i), 0).UTC(), Status: 204}, func(s *sppcrawl.Subscription) { s.Cursor = 3 })
			return err
		})
	}
	return bolt
}

func mustDo(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
