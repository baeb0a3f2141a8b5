package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"sppcrawl"
)

// DB is an archive in a PostgreSQL database. It implements sppcrawl.Archive.
type DB struct {
	pool     *pgxpool.Pool
	dsn      string
	name     string // the connection string without its password, for errors
	mediaDir string
	now      func() time.Time
	upgraded string
	// pollEvery is how often followers look at the log when no
	// notification arrives.
	pollEvery time.Duration
	retryFor  time.Duration // see tx

	commits, failures atomic.Uint64
	upserts           [8]atomic.Uint64 // by sppcrawl.Outcome

	notify notifier
	snap   *snapshot // reads go through it: an archive of one moment (Snapshot)

	closeOnce sync.Once
}

// Option changes how Open opens the archive.
type Option func(*DB)

// WithMediaCache sets the directory where Media puts the local copies of
// files it hands out (default: under the user's cache directory, named
// after the database).
func WithMediaCache(dir string) Option { return func(db *DB) { db.mediaDir = dir } }

// WithClock sets the clock the archive stamps changes with (tests).
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// WithPollEvery sets how often followers of the log (Commits) look at it
// when no notification arrives (default 5s).
func WithPollEvery(d time.Duration) Option { return func(db *DB) { db.pollEvery = d } }

// IsDSN reports whether s names a PostgreSQL database rather than a file.
func IsDSN(s string) bool {
	return hasPrefixFold(s, "postgres://") || hasPrefixFold(s, "postgresql://")
}

// Open connects to the database dsn names, creates or upgrades the
// archive's schema in it, and returns the archive.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	name := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, redactErr(err, dsn))
	}
	if _, ok := sppcrawl.DefaultSite(); !ok {
		return nil, fmt.Errorf("open %s: %w", name, sppcrawl.ErrNoSite)
	}
	db := &DB{dsn: dsn, name: name, now: time.Now, pollEvery: defaultPollEvery, retryFor: defaultRetryFor}
	for _, o := range opts {
		o(db)
	}
	if db.mediaDir == "" {
		db.mediaDir = defaultMediaDir(cfg.ConnConfig)
	}
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open %s: %w", name, redactErr(err, dsn))
	}
	if db.upgraded, err = migrate(ctx, db.pool); err != nil {
		db.pool.Close()
		return nil, fmt.Errorf("open %s: %w", name, redactErr(err, dsn))
	}
	return db, nil
}

// defaultMediaDir is where files are cached for serving: per database, as
// two databases may hold different files.
func defaultMediaDir(c *pgx.ConnConfig) string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' {
			return '_' // a socket directory or an IPv6 host as a name
		}
		return r
	}, fmt.Sprintf("postgres-%s-%d-%s", c.Host, c.Port, c.Database))
	return filepath.Join(base, "sppcrawl", name, "media")
}

// Close releases the archive's connections.
func (db *DB) Close() error {
	if db.snap != nil {
		return nil // the pool is its archive's
	}
	db.closeOnce.Do(func() {
		db.notify.close()
		db.pool.Close()
	})
	return nil
}

// Name is the database as errors and logs name it: the connection string
// without its password.
func (db *DB) Name() string { return db.name }

// Counters are this process's writes since it opened the archive.
func (db *DB) Counters() sppcrawl.Counters {
	c := sppcrawl.Counters{Commits: db.commits.Load(), CommitFailures: db.failures.Load(), Upserts: map[sppcrawl.Outcome]uint64{}}
	for o := range db.upserts {
		if n := db.upserts[o].Load(); n > 0 {
			c.Upserts[sppcrawl.Outcome(o)] = n
		}
	}
	return c
}

// Damage is what readers found damaged; the database checks its own pages,
// so nothing is recorded here.
func (db *DB) Damage() (map[string]string, error) { return map[string]string{}, nil }

// Upgraded says what opening the archive did to its schema.
func (db *DB) Upgraded(context.Context) (string, error) { return db.upgraded, nil }

// notFound wraps sppcrawl.ErrNotFound with what was looked for.
func notFound(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, sppcrawl.ErrNotFound)...)
}

// noRows reports whether err says a query returned no row.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// querier is what reads need: the pool, or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgxTx is a transaction of the pool.
type pgxTx = pgx.Tx
