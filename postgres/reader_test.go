package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// killer ends every connection of the test's database but its own.
type killer struct {
	admin *pgx.Conn
	name  string
}

func newKiller(t *testing.T, dsn string) killer {
	t.Helper()
	u, _ := url.Parse(dsn)
	admin, err := pgx.Connect(context.Background(), pgtest.ServerDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	return killer{admin, strings.TrimPrefix(u.Path, "/")}
}

func (k killer) kill(t *testing.T) {
	t.Helper()
	_, err := k.admin.Exec(context.Background(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", k.name)
	if err != nil {
		t.Fatal(err)
	}
}

// reads are the kinds of read a serve replica makes: one row, a page of
// rows, the whole log.
var reads = map[string]func(context.Context, *postgres.DB) error{
	"Count": func(ctx context.Context, db *postgres.DB) error { _, err := db.Count(ctx); return err },
	"Get": func(ctx context.Context, db *postgres.DB) error {
		_, err := db.Get(ctx, "spp-3")
		return err
	},
	"SinceSeq": func(ctx context.Context, db *postgres.DB) error {
		as, _, err := db.SinceSeq(ctx, 0, 100)
		if err == nil && len(as) != 20 {
			return sppcrawl.ErrDamaged
		}
		return err
	},
	"ForEachJSON": func(ctx context.Context, db *postgres.DB) error {
		return db.ForEachJSON(ctx, 0, func(uint64, []byte) error { return nil })
	},
	"Events": func(ctx context.Context, db *postgres.DB) error { _, err := db.Events(ctx, 0, 100); return err },
}

// TestDB_Read_ConnectionsKilled: the server ending the archive's
// connections (a restart, a failover) between reads or during them costs
// no read: each is retried on a new connection.
func TestDB_Read_ConnectionsKilled(t *testing.T) {
	ctx := context.Background()
	db, dsn := openDSN(t)
	for n := 1; n <= 20; n++ {
		if _, err := db.Upsert(ctx, testArticle(n, "文"+strings.Repeat("二", n)), nil); err != nil {
			t.Fatal(err)
		}
	}
	k := newKiller(t, dsn)
	for name, read := range reads {
		t.Run("Between/"+name, func(t *testing.T) {
			if err := read(ctx, db); err != nil { // the pool warm
				t.Fatal(err)
			}
			k.kill(t)
			if err := read(ctx, db); err != nil {
				t.Errorf("%s after the connections were killed: %v", name, err)
			}
		})
	}
	t.Run("During", func(t *testing.T) {
		// Each read races one kill: some land before it, some in the
		// middle of its rows, some after.
		for i := range 20 {
			for name, read := range reads {
				var wg sync.WaitGroup
				wg.Go(func() { k.kill(t) })
				err := read(ctx, db)
				wg.Wait()
				if err != nil {
					t.Fatalf("round %d: %s while the connections were killed: %v", i, name, err)
				}
			}
		}
	})
}

// TestDB_Read_Concurrent: reads of different shapes at once on a pool of
// two connections: each read's rows, read whole and handed back on a
// connection that serves another query meanwhile, decode as their own.
func TestDB_Read_Concurrent(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn+"&pool_max_conns=2", postgres.WithMediaCache(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for n := 1; n <= 20; n++ {
		if _, err := db.Upsert(ctx, testArticle(n, "文"+strings.Repeat("三", n)), nil); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 30 {
				for name, read := range reads {
					if err := read(ctx, db); err != nil {
						t.Errorf("%s: %v", name, err)
						return
					}
				}
				if _, err := db.DueRechecks(ctx, 10); err != nil {
					t.Errorf("DueRechecks: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}
