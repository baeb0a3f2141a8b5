package postgres_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// TestOpen_Migrations: processes opening a new database at once create the
// schema once (the advisory lock); later opens change nothing.
func TestOpen_Migrations(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	said := make([]string, 4)
	for i := range said {
		wg.Go(func() {
			db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				return
			}
			defer db.Close()
			said[i], _ = db.Upgraded(ctx)
		})
	}
	wg.Wait()
	upgraded := 0
	for _, s := range said {
		if s != "" {
			upgraded++
			if !strings.Contains(s, "from version 0 to ") {
				t.Errorf("upgrade said %q", s)
			}
		}
	}
	if upgraded != 1 {
		t.Errorf("%d of 4 opens upgraded the schema (%q), want exactly 1", upgraded, said)
	}
}

// TestOpen_SchemaNewer: a database upgraded by a later sppcrawl is refused
// in words, and left as it is.
func TestOpen_SchemaNewer(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	db.Close()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES (999, '999_future')"); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Open(ctx, dsn)
	if !errors.Is(err, postgres.ErrSchemaNewer) || !strings.Contains(err.Error(), "schema version 999") {
		t.Errorf("open a newer schema: %v; want ErrSchemaNewer naming version 999", err)
	}
}

// TestOpen_MigrateSites: a database of one site (schema 1: channel states
// keyed by path, one site map) opens as one of many, its records its
// site's: those of its articles' host, www.spp.gov.cn's for none.
func TestOpen_MigrateSites(t *testing.T) {
	for _, c := range []struct{ name, article, host string }{
		{"empty", "", "www.spp.gov.cn"},
		{"local", "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml", "www.gd.jcy.gov.cn"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dsn := pgtest.NewDatabase(t)
			ctx := context.Background()
			schema1(t, dsn, c.article)
			db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer db.Close()
			site := db.ForSite(sppcrawl.NewLayout(c.host, ""))
			st, err := site.ChannelState(ctx, "/jwgk/tzgg/")
			if err != nil || st.Walk == nil || st.Walk.Next != 3 || st.Site != c.host {
				t.Errorf("state after the upgrade: %+v, %v; want %s's walk at page 3", st, err, c.host)
			}
			if m, err := site.SiteMap(ctx); err != nil || len(m.Channels) != 1 {
				t.Errorf("site map after the upgrade: %+v, %v; want %s's", m, err, c.host)
			}
			other := db.ForSite(sppcrawl.NewLayout("www.hbjc.gov.cn", ""))
			if st, err := other.ChannelState(ctx, "/jwgk/tzgg/"); err != nil || st.Walk != nil {
				t.Errorf("another site's /jwgk/tzgg/: %+v, %v; want none", st, err)
			}
		})
	}
}

// schema1 makes dsn's database an archive of schema 1 holding a channel
// state with a walk under way, a site map and (unless "") an article at
// articleURL.
func schema1(t *testing.T, dsn, articleURL string) {
	t.Helper()
	ctx := context.Background()
	sql, err := os.ReadFile("migrations/001_archive.sql")
	if err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	stmts := []string{string(sql),
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations (version, name) VALUES (1, '001_archive')`,
		`INSERT INTO channel_states (path, doc) VALUES ('/jwgk/tzgg/', '{"path":"/jwgk/tzgg/","walk":{"kind":"full","next":3}}')`,
		`INSERT INTO meta (key, value) VALUES ('sitemap', '{"channels":[{"key":"tzgg","path":"/jwgk/tzgg/"}]}')`}
	if articleURL != "" {
		stmts = append(stmts, `INSERT INTO articles (id, seq, url, channel_path, published, content_hash, has_cases, withdrawn, missing, due, checked, doc)
			VALUES ('x-1', 1, '`+articleURL+`', '/jwgk/tzgg/', 0, '', false, false, 0, 0, 0, '{}')`)
	}
	for _, s := range stmts {
		if _, err := c.Exec(ctx, s); err != nil {
			t.Fatalf("schema 1: %v", err)
		}
	}
}
