package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

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
