package postgres_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/postgres"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// TestExport_SameAsBbolt: the fixture site crawled into bbolt and, write
// for write in the same order, into PostgreSQL (with the same clock)
// exports the same bytes in every format: the export does not depend on
// the backend. (Two crawls store articles in whichever order their
// responses come, so the same crawl feeds both.)
func TestExport_SameAsBbolt(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.Dir("../testdata/site")))
	defer srv.Close()
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	bolt, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	pg := mustOpen(t, postgres.WithClock(clock))
	cfg := crawler.Config{Origin: srv.URL, Media: crawler.MediaAll, Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cr, err := crawler.New(cfg, &tee{Archive: bolt, t: t, also: pg})
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := cr.Run(context.Background()); err != nil || sum.Created < 50 {
		t.Fatalf("crawl: %v, %+v", err, sum)
	}
	for _, format := range []string{"jsonl", "json", "csv", "cases", "cases-csv", "atom", "rss", "jsonfeed"} {
		want, got := export(t, bolt, format), export(t, pg, format)
		if len(want) < 100 || !bytes.Equal(got, want) {
			t.Errorf("export --format %s: PostgreSQL's %d bytes differ from bbolt's %d\n%s", format, len(got), len(want), firstDiff(got, want))
		}
	}
	// WARC names its records and itself afresh each time: what it holds
	// is compared instead.
	if want, got := rawPages(t, bolt), rawPages(t, pg); len(want) < 50 || !slices.Equal(got, want) {
		t.Errorf("raw pages: PostgreSQL keeps %d, bbolt %d, or they differ", len(got), len(want))
	}
}

// rawPages lists every raw page kept, as URL, status, time and body hash.
func rawPages(t *testing.T, db sppcrawl.Archive) []string {
	var out []string
	err := db.ForEachRaw(context.Background(), func(p *sppcrawl.RawPage) error {
		out = append(out, fmt.Sprintf("%s %d %s %x", p.URL, p.Status, p.FetchedAt.UTC(), sha256.Sum256(p.Body)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// tee is an archive that reads from one backend and makes every write on
// it and then on also, one write at a time, so both see the same writes
// in the same order; a write that fails or ends differently on also fails
// the test.
type tee struct {
	sppcrawl.Archive
	also sppcrawl.Archive
	t    *testing.T
	mu   sync.Mutex
}

// ForSite is the tee itself: the crawl it feeds is of spp, the default
// site of both backends (the embedded bbolt's own would bypass the tee).
func (d *tee) ForSite(sppcrawl.URLs) sppcrawl.CrawlArchive { return d }

func (d *tee) both(what string, a, b func() (any, error)) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	x, err := a()
	y, err2 := b()
	if fmt.Sprint(x, err) != fmt.Sprint(y, err2) {
		d.t.Errorf("%s: bbolt %v, %v; PostgreSQL %v, %v", what, x, err, y, err2)
	}
	return x, err
}

func (d *tee) Upsert(ctx context.Context, a *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	b := *a
	r, err := d.both("upsert "+a.URL, func() (any, error) { return d.Archive.Upsert(ctx, a, raw) }, func() (any, error) { return d.also.Upsert(ctx, &b, raw) })
	return r.(sppcrawl.UpsertResult), err
}

func (d *tee) RecordChecked(ctx context.Context, url string) (sppcrawl.UpsertResult, error) {
	r, err := d.both("checked "+url, func() (any, error) { return d.Archive.RecordChecked(ctx, url) }, func() (any, error) { return d.also.RecordChecked(ctx, url) })
	return r.(sppcrawl.UpsertResult), err
}

func (d *tee) PutMedia(ctx context.Context, ids []string, url string, body []byte, ct string, at time.Time) (string, bool, error) {
	var isNew bool
	sha, err := d.both("media "+url, func() (any, error) {
		s, n, err := d.Archive.PutMedia(ctx, ids, url, body, ct, at)
		isNew = n
		return s, err
	}, func() (any, error) { s, _, err := d.also.PutMedia(ctx, ids, url, body, ct, at); return s, err })
	return sha.(string), isNew, err
}

func (d *tee) RecordMediaMissing(ctx context.Context, id, url, reason string) error {
	_, err := d.both("media missing "+url, func() (any, error) { return nil, d.Archive.RecordMediaMissing(ctx, id, url, reason) },
		func() (any, error) { return nil, d.also.RecordMediaMissing(ctx, id, url, reason) })
	return err
}

func (d *tee) MarkSeen(ctx context.Context, channel string, items []sppcrawl.Seen) error {
	_, err := d.both("seen", func() (any, error) { return nil, d.Archive.MarkSeen(ctx, channel, items) },
		func() (any, error) { return nil, d.also.MarkSeen(ctx, channel, items) })
	return err
}

func (d *tee) PutChannelState(ctx context.Context, st sppcrawl.ChannelState) error {
	_, err := d.both("channel state", func() (any, error) { return nil, d.Archive.PutChannelState(ctx, st) },
		func() (any, error) { return nil, d.also.PutChannelState(ctx, st) })
	return err
}

func (d *tee) PutSiteMap(ctx context.Context, m sppcrawl.SiteMap) error {
	_, err := d.both("site map", func() (any, error) { return nil, d.Archive.PutSiteMap(ctx, m) },
		func() (any, error) { return nil, d.also.PutSiteMap(ctx, m) })
	return err
}

func (d *tee) PutRun(ctx context.Context, r sppcrawl.RunSummary) error {
	_, err := d.both("run", func() (any, error) { return nil, d.Archive.PutRun(ctx, r) }, func() (any, error) { return nil, d.also.PutRun(ctx, r) })
	return err
}

func export(t *testing.T, db sppcrawl.Archive, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := publish.Export(context.Background(), db, &buf, publish.ExportOptions{Format: format, Software: "sppcrawl/test"}); err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return buf.Bytes()
}

// firstDiff shows where two outputs part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-80, 0)
	return "got  …" + string(a[lo:min(i+80, len(a))]) + "\nwant …" + string(b[lo:min(i+80, len(b))])
}
