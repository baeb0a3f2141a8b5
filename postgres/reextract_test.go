package postgres_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/postgres"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// reparse is reextract's parse: the site of the page's URL reads it.
func reparse(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
	return sppcrawl.ParseRaw(sites.OfURL(raw.URL), raw)
}

// staleFixture is a bbolt archive of the fixture site, on clock, whose
// articles ids were stored last by an older extractor (a line it left in
// the body) without a page of their own: reextract corrects them.
func staleFixture(t *testing.T, clock func() time.Time, ids ...string) *store.DB {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewServer(http.FileServer(http.Dir("../testdata/site")))
	defer srv.Close()
	bolt, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	cfg := crawler.Config{Origin: srv.URL, Now: clock, Media: crawler.MediaAll, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, p := range []string{"/spp/gzbg/", "/spp/jczdal/"} {
		cfg.Channels = append(cfg.Channels, sites.ChannelByPath(p))
	}
	cr, err := crawler.New(cfg, bolt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cr.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		s, err := bolt.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		a := *s.Article
		a.Paragraphs = append([]string{"[责任编辑：旧版提取器漏删的一行]"}, a.Paragraphs...)
		a.ContentHash = a.ComputeHash()
		mustDo(t, "store a stale extraction", func() error { _, err := bolt.Upsert(ctx, &a, nil); return err })
	}
	return bolt
}

// seqs maps every article's id to its seq.
func seqs(t *testing.T, db sppcrawl.Archive) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	err := db.ForEachJSON(context.Background(), 0, func(seq uint64, j []byte) error {
		id, _, _ := strings.Cut(strings.TrimPrefix(string(j), `{"id":"`), `"`)
		out[id] = seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDB_Reextract: an archive on PostgreSQL (a copy of a bbolt one)
// whose stored articles differ from what their raw pages give gets a new
// version of the changed ones, by the crawl's upsert, and leaves every
// other article where it was (same seq, no write); the export after it is
// bbolt's after the same reextract, byte for byte, and both count alike.
func TestDB_Reextract(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	stale := []string{"spp-900000", "spp-850005"}
	bolt := staleFixture(t, clock, stale...)
	pg := mustOpen(t, postgres.WithClock(clock))
	if _, err := pg.CopyFrom(ctx, bolt); err != nil {
		t.Fatal(err)
	}
	before := seqs(t, pg)
	at = at.Add(time.Hour)
	noFail := func(id string, err error) { t.Errorf("%s no longer extracts: %v", id, err) }
	want, err := bolt.Reextract(ctx, reparse, noFail, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pg.Reextract(ctx, reparse, noFail, nil)
	if err != nil {
		t.Fatal(err)
	}
	got.Took, want.Took = 0, 0
	if got != want || got.Changed != len(stale) || got.Unchanged != len(before)-len(stale) {
		t.Errorf("reextract on PostgreSQL: %+v; on bbolt %+v; want %d changed, the %d others unchanged", got, want, len(stale), len(before)-len(stale))
	}
	after := seqs(t, pg)
	for id, seq := range before {
		if changed := slices.Contains(stale, id); changed == (after[id] == seq) {
			t.Errorf("%s: seq %d before, %d after (stale: %v)", id, seq, after[id], changed)
		}
	}
	for _, id := range stale {
		if s, err := pg.Get(ctx, id); err != nil || s.Version != 3 {
			t.Errorf("%s after reextract: %v; want version 3 (the stale one kept as 2)", id, err)
		}
	}
	for _, format := range []string{"jsonl", "csv"} {
		if w, g := export(t, bolt, format), export(t, pg, format); len(w) == 0 || string(g) != string(w) {
			t.Errorf("export --format %s after reextract differs from bbolt's\n%s", format, firstDiff(g, w))
		}
	}
	if again, err := pg.Reextract(ctx, reparse, noFail, nil); err != nil || again.Changed+again.Aliased != 0 {
		t.Errorf("a second reextract: %+v, %v; want nothing changed", again, err)
	}
}

// TestDB_ReextractCutPage: a stored page found cut short counts as failed
// and is made due for a fetch; the crawl's upsert of the unchanged
// article then stores the whole page it fetched in its place.
func TestDB_ReextractCutPage(t *testing.T) {
	ctx := context.Background()
	bolt := staleFixture(t, time.Now)
	pg, dsn := openDSN(t)
	if _, err := pg.CopyFrom(ctx, bolt); err != nil {
		t.Fatal(err)
	}
	const id = "spp-900000"
	whole, err := pg.Raw(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, dsn)
	if _, err := conn.Exec(ctx, "UPDATE raw_pages SET body = substr(body, 1, length(body) * 9 / 10) WHERE key = (SELECT raw_key FROM articles WHERE id = $1)", id); err != nil {
		t.Fatal(err)
	}
	var told []string
	res, err := pg.Reextract(ctx, reparse, func(id string, err error) {
		if errors.Is(err, sppcrawl.ErrIncomplete) {
			told = append(told, id)
		}
	}, nil)
	if err != nil || res.Failed != 1 || !slices.Equal(told, []string{id}) {
		t.Fatalf("reextract of a cut page: %+v, %v, told %q; want it failed as incomplete", res, err, told)
	}
	f, ok, err := pg.Failure(ctx, whole.URL)
	if err != nil || !ok || f.NextRetry.After(time.Now()) {
		t.Errorf("the cut page's URL: %+v %v %v; want due for a fetch now", f, ok, err)
	}
	a, err := reparse(whole)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := pg.Upsert(ctx, a, whole); err != nil || r.Outcome != sppcrawl.Unchanged {
		t.Fatalf("the crawl's upsert: %+v %v; want unchanged", r, err)
	}
	if p, err := pg.Raw(ctx, id); err != nil || string(p.Body) != string(whole.Body) {
		t.Errorf("the stored page after the fetch: %v; want the whole page in place of the cut one", err)
	}
}

// connect is a connection of the test's own to the database dsn names.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}
