package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl/postgres"
)

// dsnEnv names the server the tests create their databases on: .ci/run
// starts a throwaway cluster and sets it. Without it the tests skip, but
// never in CI.
const dsnEnv = "SPPCRAWL_TEST_POSTGRES"

// serverDSN is the test server's connection string, or skips (fails in CI).
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	switch {
	case dsn != "":
		return dsn
	case os.Getenv("CI") == "true":
		t.Fatalf("%s is not set: CI runs the PostgreSQL tests against the cluster .ci/run starts", dsnEnv)
	default:
		t.Skipf("%s is not set (a PostgreSQL server to create test databases on)", dsnEnv)
	}
	return ""
}

// newDatabase creates a database of its own for the test, dropped at its
// end, and returns its connection string: tests run in parallel.
func newDatabase(t testing.TB) string {
	t.Helper()
	dsn := serverDSN(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", postgres.Redact(dsn), err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "sppcrawl_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", dsnEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// mustOpen opens a new, empty archive in a database of its own, closed at
// the test's end.
func mustOpen(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	dsn := newDatabase(t)
	db, err := postgres.Open(context.Background(), dsn, append([]postgres.Option{postgres.WithMediaCache(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
