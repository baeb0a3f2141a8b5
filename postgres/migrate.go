package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's versions: NNN_what.sql, applied in order,
// each in its own transaction with its row in schema_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the key of the session advisory lock migrations run
// under, so that processes opening the archive at once upgrade it once.
const migrateLock = 0x73707063726177 // "sppcraw"

// ErrSchemaNewer says the database was upgraded by a later sppcrawl.
var ErrSchemaNewer = errors.New("the archive's schema is newer than this sppcrawl knows")

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations, in order.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name not NNN_what.sql", base)
		}
		b, err := migrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// migrate brings the schema to the latest version under the advisory
// lock, and says what it did ("" when nothing).
func migrate(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	ms, err := loadMigrations()
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return "", fmt.Errorf("migrate: lock: %w", err)
	}
	// The lock is the session's: released before the connection goes back.
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock)
	return applyMigrations(ctx, conn.Conn(), ms)
}

func applyMigrations(ctx context.Context, conn *pgx.Conn, ms []migration) (string, error) {
	_, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	latest := ms[len(ms)-1].version
	if have > latest {
		return "", fmt.Errorf("migrate: schema version %d, this sppcrawl knows up to %d: %w; run a later sppcrawl", have, latest, ErrSchemaNewer)
	}
	var done []string
	for _, m := range ms {
		if m.version <= have {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("migrate: %s: %w", m.name, err)
		}
		done = append(done, m.name)
	}
	if len(done) == 0 {
		return "", nil
	}
	return fmt.Sprintf("schema upgraded from version %d to %d (%s)", have, latest, strings.Join(done, ", ")), nil
}
