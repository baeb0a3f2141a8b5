package postgres_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// TestOpen_UpgradeFrom1: a database of schema version 1 (the first
// release) holding an article opens upgraded to the latest version in
// place: the article reads as it did, and as a chunk (compressed when read,
// as it was written before chunks were kept), and leases work.
func TestOpen_UpgradeFrom1(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	v1, err := os.ReadFile("migrations/001_archive.sql")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	doc := `{"id":"spp-1","url":"https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml","title":"标题"}`
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
		string(v1),
		"INSERT INTO schema_migrations (version, name) VALUES (1, '001_archive')",
		`INSERT INTO articles (id, seq, url, channel_path, published, content_hash, has_cases, withdrawn, missing, due, checked, doc)
			VALUES ('spp-1', 1, 'https://www.spp.gov.cn/spp/jczdal/202608/t20260805_1.shtml', '/spp/jczdal/', 0, 'h', false, false, 0, 0, 0, '` + doc + `')`,
		"UPDATE counters SET value = 1 WHERE name = 'seq'",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	said, _ := db.Upgraded(ctx)
	for _, m := range []string{"from version 1 to ", "002_sites", "003_shared", "004_repair", "005_unparsed"} {
		if !strings.Contains(said, m) {
			t.Errorf("upgrade said %q, want it naming %s", said, m)
		}
	}
	if j, err := db.GetJSON(ctx, "spp-1"); err != nil || string(j) != doc {
		t.Errorf("the article after the upgrade: %s, %v", j, err)
	}
	seq, ch, err := db.GetChunk(ctx, "spp-1")
	if err != nil || seq != 1 || int(ch.Len) != len(doc) {
		t.Errorf("its chunk: seq %d, %d bytes, %v; want seq 1, %d bytes", seq, ch.Len, err, len(doc))
	}
	if ok, err := db.Acquire(ctx, "walk www.spp.gov.cn/spp/tt/", "A", time.Minute); !ok || err != nil {
		t.Errorf("a lease after the upgrade: %v, %v", ok, err)
	}
	odd := &sppcrawl.RawPage{URL: "https://www.spp.gov.cn/spp/tt/202608/t20260805_9.shtml", Status: 200, Body: []byte("<html>")}
	if err := db.KeepUnparsed(ctx, odd); err != nil {
		t.Errorf("keep a page of no known template after the upgrade: %v", err)
	}
}
