// Package pgtest gives tests a PostgreSQL database of their own: on the
// server SPPCRAWL_TEST_POSTGRES names (.ci/run starts a throwaway
// cluster), a database created per test and dropped at its end, so tests
// run in parallel. Without the variable the tests skip, but never in CI
// (CI=true): there they fail.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSNEnv names the server the tests create their databases on: .ci/run
// starts a throwaway cluster and sets it. Without it the tests skip, but
// never in CI.
const DSNEnv = "SPPCRAWL_TEST_POSTGRES"

// ServerDSN is the test server's connection string, or skips (fails in CI).
func ServerDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	switch {
	case dsn != "":
		return dsn
	case os.Getenv("CI") == "true":
		t.Fatalf("%s is not set: CI runs the PostgreSQL tests against the cluster .ci/run starts", DSNEnv)
	default:
		t.Skipf("%s is not set (a PostgreSQL server to create test databases on)", DSNEnv)
	}
	return ""
}

// NewDatabase creates a database of its own for the test, dropped at its
// end, and returns its connection string: tests run in parallel.
func NewDatabase(t testing.TB) string {
	t.Helper()
	dsn := ServerDSN(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", "the server of "+DSNEnv, err)
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
		t.Fatalf("%s: %v", DSNEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}
