package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/sites"
)

// wholePage is verify's test that a stored page is whole.
func wholePage(p *sppcrawl.RawPage) error { return extract.CheckComplete(p.Body, p.ContentType, p.URL) }

// problemsOf lists a report's problems as "kind key", sorted.
func problemsOf(rep sppcrawl.VerifyReport) []string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, p.Kind+" "+p.Key)
	}
	slices.Sort(out)
	return out
}

// TestDB_Verify: a PostgreSQL archive copied from a bbolt one verifies
// with the same counts and problems as its source (the fixture's
// correction stored a page that is not whole: cut, in both); each kind of
// damage a row can have is then found and named, and the cut page is due
// for a fetch.
func TestDB_Verify(t *testing.T) {
	ctx := context.Background()
	bolt := boltFixture(t)
	pg, dsn := openDSN(t)
	if _, err := pg.CopyFrom(ctx, bolt); err != nil {
		t.Fatal(err)
	}
	want, err := bolt.Verify(ctx, wholePage)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pg.Verify(ctx, wholePage)
	if err != nil {
		t.Fatal(err)
	}
	if got.Articles != want.Articles || got.Versions != want.Versions || got.RawPages != want.RawPages ||
		!slices.Equal(problemsOf(got), problemsOf(want)) || !slices.Equal(got.Cut, want.Cut) || got.Articles < 40 {
		t.Errorf("verify on PostgreSQL: %s %q %q\non bbolt: %s %q %q", got, problemsOf(got), got.Cut, want, problemsOf(want), want.Cut)
	}
	conn := connect(t, dsn)
	var sha, cutURL, other string
	if err := conn.QueryRow(ctx, "SELECT min(sha) FROM media").Scan(&sha); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT id FROM articles WHERE id NOT IN ('spp-900000', 'spp-900001') ORDER BY seq LIMIT 1").Scan(&other); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT url FROM articles WHERE id = 'spp-900001'").Scan(&cutURL); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE articles SET doc = '{not json' WHERE id = 'spp-900000'",
		"UPDATE articles SET content_hash = 'sha256:0' WHERE id = '" + other + "'",
		"INSERT INTO urls (url, id) VALUES ('https://www.spp.gov.cn/spp/x/t1_1.shtml', 'spp-1')",
		"INSERT INTO case_numbers (number, id) VALUES ('京检刑诉〔2026〕1号', 'spp-1')",
		"UPDATE media SET body = body || '\\x00'::bytea WHERE sha = '" + sha + "'",
		"UPDATE raw_pages SET body = substr(body, 1, length(body) * 9 / 10) WHERE key = (SELECT raw_key FROM articles WHERE id = 'spp-900001')",
		"UPDATE versions SET doc = 'null,' WHERE id = 'spp-850000'",
		"INSERT INTO media_urls (url, sha) VALUES ('https://www.spp.gov.cn/x.jpg', 'ff')",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rep, err := pg.Verify(ctx, wholePage)
	if err != nil {
		t.Fatal(err)
	}
	found := problemsOf(rep)
	for _, p := range []string{"undecodable spp-900000", "mismatch " + other, "dangling https://www.spp.gov.cn/spp/x/t1_1.shtml",
		"dangling 京检刑诉〔2026〕1号", "mismatch " + sha, "cut " + cutURL, "undecodable spp-850000", "dangling https://www.spp.gov.cn/x.jpg"} {
		if !slices.Contains(found, p) {
			t.Errorf("damage not found: %q among %q", p, found)
		}
	}
	if rep.Err() == nil || !slices.Contains(rep.Cut, cutURL) {
		t.Errorf("verify of a damaged archive: Err %v, cut %q; want problems, and %s cut", rep.Err(), rep.Cut, cutURL)
	}
	if f, ok, err := pg.Failure(ctx, cutURL); err != nil || !ok || f.NextRetry.After(time.Now()) {
		t.Errorf("the cut page's URL: %+v %v %v; want due for a fetch now", f, ok, err)
	}
}

// TestDB_Repair: rows that do not decode, and index rows to nothing, are
// moved aside, never deleted (the quarantine table keeps them whole), what
// pointed at them goes, the article whose page does not parse (here:
// none does) is due for a fetch, and the archive verifies clean then.
func TestDB_Repair(t *testing.T) {
	ctx := context.Background()
	bolt := staleFixture(t, time.Now)
	pg, dsn := openDSN(t)
	if _, err := pg.CopyFrom(ctx, bolt); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, dsn)
	var url string
	if err := conn.QueryRow(ctx, "SELECT url FROM articles WHERE id = 'spp-900000'").Scan(&url); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE articles SET doc = '{not json' WHERE id = 'spp-900000'",
		"UPDATE failures SET doc = 'x' WHERE url = (SELECT min(url) FROM failures)",
		"INSERT INTO failures (url, doc) VALUES ('https://www.spp.gov.cn/y.shtml', '{')",
		"INSERT INTO urls (url, id) VALUES ('https://www.spp.gov.cn/spp/x/t1_1.shtml', 'spp-1')"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rr, err := pg.Repair(ctx, func(*sppcrawl.RawPage) (*sppcrawl.Article, error) { return nil, errors.New("no parser") })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"articles spp-900000", "urls https://www.spp.gov.cn/spp/x/t1_1.shtml", "failures https://www.spp.gov.cn/y.shtml"}; !slices.Equal(rr.Quarantined, want) || !slices.Equal(rr.Requeued, []string{url}) {
		t.Errorf("repair: %+v; want %q set aside and %s due", rr, want, url)
	}
	var kept string
	if err := conn.QueryRow(ctx, "SELECT row->>'doc' FROM quarantine WHERE tbl = 'articles' AND row_key = 'spp-900000'").Scan(&kept); err != nil || kept != "{not json" {
		t.Errorf("the quarantined row keeps %q, %v; want its document as it was", kept, err)
	}
	if n, err := pg.Quarantined(ctx); err != nil || n != 3 {
		t.Errorf("Quarantined: %d, %v; want 3", n, err)
	}
	if f, ok, err := pg.Failure(ctx, url); err != nil || !ok || f.NextRetry.After(time.Now()) {
		t.Errorf("the set-aside article's URL: %+v %v %v; want due for a fetch now", f, ok, err)
	}
	if rep, err := pg.Verify(ctx, wholePage); err != nil || rep.Err() != nil {
		t.Errorf("verify after the repair: %v %v %q", rep, err, problemsOf(rep))
	}
	if _, err := pg.Get(ctx, "spp-900000"); err == nil || !strings.Contains(fmt.Sprint(err), "not found") {
		t.Errorf("the set-aside article: %v; want not found until it is fetched again", err)
	}
}

// TestDB_RepairRebuilds: an article whose record does not decode is set
// aside and stored again from its raw page, as it was (its content, its
// page current), with no fetch due; the archive verifies clean.
func TestDB_RepairRebuilds(t *testing.T) {
	ctx := context.Background()
	bolt := staleFixture(t, time.Now)
	pg, dsn := openDSN(t)
	if _, err := pg.CopyFrom(ctx, bolt); err != nil {
		t.Fatal(err)
	}
	before, err := pg.Get(ctx, "spp-900000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connect(t, dsn).Exec(ctx, "UPDATE articles SET doc = '{not json' WHERE id = 'spp-900000'"); err != nil {
		t.Fatal(err)
	}
	parse := func(raw *sppcrawl.RawPage) (*sppcrawl.Article, error) {
		return sites.Default().ParseArticle(raw.Body, raw.URL, raw.ContentType)
	}
	rr, err := pg.Repair(ctx, parse)
	if err != nil || !slices.Equal(rr.Rebuilt, []string{"spp-900000"}) || len(rr.Requeued) != 0 {
		t.Fatalf("repair: %+v, %v; want spp-900000 rebuilt, nothing due", rr, err)
	}
	after, err := pg.Get(ctx, "spp-900000")
	if err != nil || after.ContentHash != before.ContentHash || after.URL != before.URL {
		t.Errorf("rebuilt: %+v, %v; want the content stored before", after, err)
	}
	if _, err := pg.Raw(ctx, "spp-900000"); err != nil {
		t.Errorf("the rebuilt article's page: %v", err)
	}
	if _, due, _ := pg.Failure(ctx, before.URL); due {
		t.Errorf("%s due for a fetch after its rebuild", before.URL)
	}
	if rep, err := pg.Verify(ctx, wholePage); err != nil || rep.Err() != nil {
		t.Errorf("verify after the repair: %v %v %q", rep, err, problemsOf(rep))
	}
}

// TestDB_VerifyPages: verify reads the rows a page at a time; an archive
// of more versions and pages than one page of rows holds counts them all.
func TestDB_VerifyPages(t *testing.T) {
	ctx := context.Background()
	pg := mustOpen(t)
	const n = 300
	for i := range n {
		a := testArticle(i%2, fmt.Sprint("第", i, "版"))
		mustDo(t, "store", func() error {
			_, err := pg.Upsert(ctx, a, &sppcrawl.RawPage{URL: a.URL, Status: 200, Body: []byte("<html><body>" + a.Paragraphs[0] + "</body></html>")})
			return err
		})
	}
	rep, err := pg.Verify(ctx, wholePage)
	if err != nil || rep.Err() != nil || rep.Articles != 2 || rep.Versions != n-2 || rep.RawPages != n {
		t.Errorf("verify: %s, %v %q; want 2 articles, %d earlier versions, %d raw pages, no problems", rep, err, problemsOf(rep), n-2, n)
	}
}
