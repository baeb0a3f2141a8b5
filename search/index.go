package search

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
)

// Errors of the index, checked with errors.Is.
var (
	// ErrQuery: the query or a filter makes no sense (HTTP 400, exit 2);
	// the message says which part and why.
	ErrQuery = errors.New("bad query")
	// ErrTimeout: the query ran past Options.Timeout.
	ErrTimeout = errors.New("search took too long")
	// ErrIndex: the index file is not one (damaged, or another file); it is
	// derived, so Open with Options.Rebuild (or `sppcrawl index --rebuild`)
	// makes it again from the archive.
	ErrIndex = errors.New("search index unusable")
)

// schemaVersion is the layout of the index file; another one is rebuilt.
// 2: row ids by publication day, the short-term table without positions.
// 3: a channel is of a site (the channels table names its host).
const schemaVersion = "3"

// errLayout: the file is an index of another layout (an upgrade).
var errLayout = errors.New("layout")

// hashSize is FTS5's pending-terms budget per table, in bytes: above what
// a transaction of CatchUp gives it (batchBytes of text), so that a batch
// is one segment; the batch, not this, bounds the hash's memory.
const hashSize = "33554432"

// columns are the fields of an article the index holds: the trigram
// table's columns, the short-term table's token prefixes. Unprefixed terms
// look in the first four.
var columns = []string{"title", "kicker", "subtitle", "body", "number", "keyword", "source", "author"}

// tableColumns are the columns in the FTS tables' order: body first, as
// FTS5 writes a position's column only when it is not the first (two bytes
// of nearly every entry).
var tableColumns = []string{"body", "title", "kicker", "subtitle", "number", "keyword", "source", "author"}

// defaultColumns are where a term without a field prefix is looked for.
const defaultColumns = "{title kicker subtitle body}"

// Options configure an Index.
type Options struct {
	// Timeout bounds the matching of one query (default 1s).
	Timeout time.Duration
	// ReadOnly opens the index for queries only: it is never caught up.
	ReadOnly bool
	Logger   *slog.Logger
	// Handoff, when set, is what the command that opened the index hands
	// over as it stores (see Trailing): catch-ups take from it what they
	// would otherwise read back.
	Handoff *Handoff
}

// Index is the search index of one archive: an SQLite file beside it.
// Its methods are safe for concurrent use.
type Index struct {
	dbp  atomic.Pointer[sql.DB] // replaced when the file is (see repair.go)
	file atomic.Pointer[fileBox]
	path string
	opts Options

	mu    sync.Mutex // held by CatchUp: one writer per process
	cache metaCache

	following atomic.Bool
	filling   atomic.Bool // the file is new or emptied, not yet caught up once
	lastErr   atomic.Pointer[errBox]
	damage    atomic.Pointer[errBox] // the file's damage, once a read found it (checked)
	repairs   chan struct{}          // told of damage, for Follow
	counted   atomic.Pointer[versionCount]
}

// PathFor is where the index of the archive at archive lives.
func PathFor(archive string) string { return archive + ".search" }

var ofdOnce sync.Once

// Open opens (creating when absent) the index at path. A file that is no
// index of this layout is rebuilt from nothing: it is derived, and the next
// CatchUp fills it again. Open never reads the archive.
func Open(path string, opts Options) (*Index, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// POSIX record locks vanish when any descriptor of the file closes in
	// the process; OFD locks do not.
	ofdOnce.Do(func() { sqlite.OFDLocking(true) })
	ix, err := open(path, opts)
	if errors.Is(err, ErrIndex) && !opts.ReadOnly {
		if errors.Is(err, errLayout) {
			opts.Logger.Info("search index of an earlier layout: making it again from the archive", "path", path, "err", err)
		} else {
			opts.Logger.Warn("search index unusable: making it again from the archive", "path", path, "err", err)
		}
		if rerr := removeIndex(path); rerr != nil {
			return nil, fmt.Errorf("search index %s: %w", path, rerr)
		}
		ix, err = open(path, opts)
	}
	return ix, err
}

func open(path string, opts Options) (*Index, error) {
	// The write-ahead log is cut back to 4 MB after each checkpoint, not
	// left at the size of the largest batch.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=journal_size_limit(4194304)&_txlock=immediate"
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, cmp.Or(environ(path, err), fmt.Errorf("search index %s: %w", path, err))
		}
		dsn = "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	ix := &Index{path: path, opts: opts, repairs: make(chan struct{}, 1)}
	ix.dbp.Store(db)
	if err := ix.prepare(); err != nil {
		db.Close()
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("search index %s: %w", path, err)
	}
	ix.file.Store(&fileBox{fi})
	return ix, nil
}

// prepare checks the file's layout, creating it in a new file.
func (ix *Index) prepare() error {
	ctx := context.Background()
	var v string
	err := ix.sql().QueryRowContext(ctx, `SELECT value FROM meta WHERE key='schema'`).Scan(&v)
	switch {
	case err == nil && v == schemaVersion:
		return nil
	case err == nil:
		return fmt.Errorf("search index %s: %w %q, not %q: %w", ix.path, errLayout, v, schemaVersion, ErrIndex)
	case ix.opts.ReadOnly || !ix.isNoTable(ctx, err, "meta"):
		return ix.unusable(err, "")
	}
	return ix.create(ctx)
}

// unusable is err, met at step, as ErrIndex (the file is made again), or
// as the failure of the file's surroundings it is (ErrNoSpace,
// ErrNoAccess: never made again for).
func (ix *Index) unusable(err error, step string) error {
	if env := environ(ix.path, err); env != nil {
		return env
	}
	return fmt.Errorf("search index %s: %s%v: %w", ix.path, step, err, ErrIndex)
}

func (ix *Index) create(ctx context.Context) error {
	cols := strings.Join(tableColumns, ", ")
	stmts := []string{
		`CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID`,
		// A channel is a folder of one site: two sites' /xwzx/ are two
		// channels, and a version's site is its channel's.
		`CREATE TABLE channels(idx INTEGER PRIMARY KEY, site TEXT NOT NULL, path TEXT NOT NULL, UNIQUE(site, path))`,
		// docs are the indexed versions; rid is their rowid in both FTS
		// tables (see rid.go). A row whose version left the index keeps its
		// place, marked gone, so another process's cache learns of it.
		`CREATE TABLE docs(rid INTEGER PRIMARY KEY, id TEXT NOT NULL, version INTEGER NOT NULL,
			flags INTEGER NOT NULL, effective INTEGER NOT NULL, fp INTEGER NOT NULL, mod INTEGER NOT NULL,
			published INTEGER NOT NULL)`,
		`CREATE INDEX docs_id ON docs(id, version)`,
		`CREATE INDEX docs_mod ON docs(mod)`,
		`CREATE VIRTUAL TABLE tri USING fts5(` + cols + `, content='', contentless_delete=1, tokenize='trigram case_sensitive 1')`,
		// The short-term table has one column of tokens that name their
		// field (see appendGrams) and no positions: an entry is a rowid alone.
		`CREATE VIRTUAL TABLE uni USING fts5(grams, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0')`,
		// A bigger in-memory hash before a flush to disk: a batch of 1,024
		// articles is one segment, not several to merge (14% less CPU
		// for a rebuild than the default 1 MB).
		`INSERT INTO tri(tri, rank) VALUES('hashsize', ` + hashSize + `)`,
		`INSERT INTO uni(uni, rank) VALUES('hashsize', ` + hashSize + `)`,
		`INSERT INTO meta(key, value) VALUES('schema', '` + schemaVersion + `'), ('watermark', 0), ('mod', 0)`,
	}
	tx, err := ix.sql().BeginTx(ctx, nil)
	if err != nil {
		return ix.unusable(err, "")
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return ix.unusable(err, "create: ")
		}
	}
	if err := setMerging(ctx, tx); err != nil {
		return ix.unusable(err, "create: ")
	}
	ix.filling.Store(true)
	if err := tx.Commit(); err != nil {
		return ix.unusable(err, "create: ")
	}
	return nil
}

// removeIndex deletes the index file with its WAL and shared memory.
func removeIndex(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Path is the index file.
func (ix *Index) Path() string { return ix.path }

// Close closes the index file.
func (ix *Index) Close() error { return ix.sql().Close() }

// sql is the index file's database.
func (ix *Index) sql() *sql.DB { return ix.dbp.Load() }

// Size is the index's bytes on disk (file and write-ahead log).
func (ix *Index) Size() int64 {
	var n int64
	for _, p := range []string{ix.path, ix.path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// meta reads an integer of the meta table.
func metaInt(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key=?`, key).Scan(&n)
	return n, err
}

func setMeta(ctx context.Context, tx *sql.Tx, key string, v any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, v)
	return err
}

// Tag names the index's state: it changes whenever what any search could
// answer changes (an ETag's part).
func (ix *Index) Tag(ctx context.Context) (string, error) {
	var wm, mod int64
	err := ix.sql().QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key='watermark'), (SELECT value FROM meta WHERE key='mod')`).Scan(&wm, &mod)
	if err != nil {
		return "", ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
	}
	return fmt.Sprintf("w%d.m%d", wm, mod), nil
}

// Behind is how many articles of arch changed since the index caught up.
func (ix *Index) Behind(ctx context.Context, arch Archive) (int, error) {
	wm, err := metaInt(ctx, ix.sql(), "watermark")
	if err != nil {
		return 0, ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
	}
	return arch.CountAfter(ctx, uint64(wm))
}

// ReadOnly reports whether the index was opened for queries only.
func (ix *Index) ReadOnly() bool { return ix.opts.ReadOnly }

// Filling says whether the file is new (created missing, or made again
// when damaged) or emptied, and no catch-up has reached the archive's end
// since: its answers would miss most of the archive, not a moment's
// changes.
func (ix *Index) Filling() bool { return ix.filling.Load() }
