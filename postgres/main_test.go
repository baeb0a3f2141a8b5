package postgres_test

import (
	"context"
	"testing"

	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// mustOpen opens a new, empty archive in a database of its own, closed at
// the test's end.
func mustOpen(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, _ := openDSN(t, opts...)
	return db
}

// openDSN opens a new, empty archive as mustOpen does, and gives its
// connection string: the test changes rows behind its back.
func openDSN(t testing.TB, opts ...postgres.Option) (*postgres.DB, string) {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	db, err := postgres.Open(context.Background(), dsn, append([]postgres.Option{postgres.WithMediaCache(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}
