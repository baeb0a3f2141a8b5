package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
)

// TestDB_Upsert_ConnectionsKilled: the server ending every connection of
// the archive (a restart, a failover, an administrator) between writes
// costs no write: the next upsert retries on a new connection.
func TestDB_Upsert_ConnectionsKilled(t *testing.T) {
	ctx := context.Background()
	db, dsn := openDSN(t)
	u, _ := url.Parse(dsn)
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := pgx.Connect(ctx, pgtest.ServerDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for n := 1; n <= 5; n++ {
		// Warm the pool, then kill what it holds.
		if _, err := db.Count(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name); err != nil {
			t.Fatal(err)
		}
		res, err := db.Upsert(ctx, testArticle(n, "文"+strings.Repeat("一", n)), nil)
		if err != nil || res.Outcome != sppcrawl.Created {
			t.Fatalf("upsert %d after the connections were killed: %+v, %v", n, res, err)
		}
	}
}
