package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Sentinel errors; check with errors.Is.
var (
	// errNeedsUpgrade: a read-only open of an archive of an older schema.
	errNeedsUpgrade = errors.New("needs an upgrade")
	// ErrLocked: another process (a crawl, or serve) holds the archive
	// (the root package's, which every backend returns).
	ErrLocked = sppcrawl.ErrLocked
	// ErrNotArchive: the file exists but is not an sppcrawl/bbolt archive.
	ErrNotArchive = errors.New("not an sppcrawl archive (not a bbolt database)")
	// ErrNoArchive: there is no archive at the path (Options.MustExist).
	ErrNoArchive = errors.New("no archive there")
	// ErrNewerSchema: the archive was written by a newer sppcrawl.
	ErrNewerSchema = errors.New("archive written by a newer sppcrawl")
	// ErrNotFound: no such article or raw page (the root package's).
	ErrNotFound = sppcrawl.ErrNotFound
	// ErrReadOnly: a write on an archive opened read-only.
	ErrReadOnly = errors.New("archive opened read-only")
	// ErrClosed: a write after Close.
	ErrClosed = errors.New("archive closed")
	// ErrNoSite: no default site is registered (sppcrawl.SetDefaultSite),
	// so the archives of earlier releases, which name none, cannot be read.
	ErrNoSite = sppcrawl.ErrNoSite
)

// SchemaVersion is the layout this code writes. 1: sppcrawl 0.1 (revisions
// kept as hashes only). 2: every version kept whole, raw pages in their own
// key space, withdrawals, the check index (see migrate.go). 3: a
// cross-posted article under the URL of its own channel (see canonical.go).
// 4: many sites, the records of a channel keyed by its site and path (see
// sitelog.go).
const SchemaVersion = 4

var (
	bucketMeta = []byte("meta")
	// The articles and raw buckets are logs keyed by a sequence (8 bytes, big
	// endian): the export cursor is a plain cursor over articles, and writes
	// append at the end, so a crawl touches only the tail of the file and its
	// memory map stays small however large the archive grows.
	bucketArticles = []byte("articles")  // seq → current version of an article (JSON, as exported)
	bucketIDs      = []byte("ids")       // id → seq of its current version
	bucketVersions = []byte("versions")  // id \x00 version (4 bytes) → an earlier version, whole (JSON)
	bucketURLs     = []byte("urls")      // canonical URL or alias → id
	bucketHashes   = []byte("hashes")    // content hash → id
	bucketChecked  = []byte("checked")   // id → last time the site was asked for it (unix nanos)
	bucketCheckIdx = []byte("checkidx")  // last check (8 bytes) id → nil: least recently checked first
	bucketGone     = []byte("gone")      // id → the first time its URL answered gone (JSON)
	bucketChanIdx  = []byte("chanidx")   // channel_path \x00 published (8 bytes) id → nil
	bucketRaw      = []byte("raw")       // raw key → a fetched page (header + compressed body)
	bucketRawOf    = []byte("rawof")     // id → raw key of its current version's page
	bucketRepair   = []byte("repair")    // id → why its stored page must be fetched again
	bucketChannels = []byte("channels")  // host + channel path → ChannelState (JSON)
	bucketFailures = []byte("failures")  // URL → Failure (JSON)
	bucketRuns     = []byte("runs")      // "last" → RunSummary (JSON)
	bucketFill     = []byte("fill")      // host + channel path → sppcrawl.Fill of its stored articles (JSON)
	bucketSeen     = []byte("seen")      // URL seen on a list page, not stored yet → channel path
	bucketCaseIdx  = []byte("caseidx")   // seq of an article holding cases → nil
	bucketCaseNum  = []byte("casenum")   // case number (检例第257号) → id of the article holding it
	bucketMedia    = []byte("media")     // sha256 → MediaInfo of a file in <archive>.media (JSON)
	bucketMediaURL = []byte("mediaurl")  // URL of an image or attachment → sha256 of its file
	bucketChanCnt  = []byte("chancount") // channel path → its number of articles (8 bytes)

	// bucketHistory held schema 1's revisions (hashes and titles only); the
	// upgrade turns them into versions and drops it.
	bucketHistory = []byte("history")

	allBuckets = [][]byte{bucketMeta, bucketArticles, bucketIDs, bucketVersions, bucketURLs, bucketHashes,
		bucketChecked, bucketCheckIdx, bucketGone, bucketChanIdx, bucketRaw, bucketRawOf, bucketRepair,
		bucketChannels, bucketFailures, bucketRuns, bucketFill, bucketSeen, bucketCaseIdx, bucketCaseNum, bucketMedia, bucketMediaURL, bucketChanCnt, bucketQuarantine,
		bucketEvents, bucketSubs, bucketDeliveries, bucketMediaDue, bucketUnparsed}

	keySchema     = []byte("schema")
	keyGeneration = []byte("generation") // bumped by every change of exported data
	keyUpgraded   = []byte("upgraded")   // what the last schema upgrade did (text)
)

// migrations[i] upgrades an archive from schema i+1 to i+2, inside the
// transaction that opens it: an upgrade is all or nothing.
var migrations = []func(*bolt.Tx) (string, error){migrate1to2, migrate2to3, migrate3to4}

// Options tune Open.
type Options struct {
	// ReadOnly opens with a shared lock; writes fail with ErrReadOnly.
	ReadOnly bool
	// MustExist refuses to create an archive (ErrNoArchive): only the
	// commands that store what they fetch start a new one, so a mistyped
	// path is an error, not an empty archive reported as fine.
	MustExist bool
	// Salvage opens a damaged archive anyway, read-only if it cannot be
	// opened for writing, so that verify can say what is damaged and what
	// reads (see DB.OpenDamage).
	Salvage bool
	// CheckPages checks the file's page structure even if its stamp says
	// nothing wrote it since it was last found sound (verify).
	CheckPages bool
	// Timeout bounds the wait for the file lock (default 1s).
	Timeout time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// Site is the URL layout of the site the archive holds, asked for
	// the channel folder of a URL the archive must name without its
	// article (a record that does not decode) and to canonicalise a URL
	// asked for (History). Default: the registered default site (see
	// legacySite).
	Site sppcrawl.URLs
}

// siteOr is site, or the legacy site's layout when nil (see
// Options.Site); ErrNoSite when no default is registered.
func siteOr(site sppcrawl.URLs) (sppcrawl.URLs, error) {
	d, ok := sppcrawl.DefaultSite()
	if !ok {
		return nil, ErrNoSite
	}
	if site == nil {
		return d, nil
	}
	return site, nil
}

// DB is an open archive. It is safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	now      func() time.Time
	site     sppcrawl.URLs
	sites    layouts // of the sites crawled into it (ForSite)
	w        writer
	counts   counters
	raw      *rawCodec
	dmg      damage
	// openDamage is why a Salvage open found the file damaged (nil if not).
	openDamage error
	// broken is set when the file's page structure is damaged: bbolt is not
	// let into it (its walks would loop or fault), every read says this.
	broken    error
	structure *structureReport // what made it broken
	file      *os.File         // bbolt's, for the stamp written on Close
	closed    atomic.Bool
	notify    sppcrawl.Wakeups
	// snapshot is the temporary file a ReadBeside copy lives in, removed
	// on Close ("" for the archive itself).
	snapshot string
}

// Broken is why the file's page structure is damaged, when a Salvage open
// found it so: nothing reads from it; Salvage copies what it still holds.
func (db *DB) Broken() error { return db.broken }

// OpenDamage is why Open (with Options.Salvage) found the file damaged:
// cut short, or not openable for writing; nil when it was not.
func (db *DB) OpenDamage() error { return db.openDamage }

// Open opens (or, unless read-only, creates) the archive at path.
func Open(path string, opts Options) (*DB, error) {
	site, err := opts.complete()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := checkFile(path, opts.MustExist || opts.ReadOnly); err != nil {
		return nil, err
	}
	bdb, file, err := openBolt(path, opts)
	if errors.Is(err, ErrDamaged) && opts.Salvage && !opts.ReadOnly {
		opts.ReadOnly = true
		db, rerr := Open(path, opts)
		if rerr != nil {
			return nil, rerr
		}
		db.openDamage = err
		return db, nil
	}
	if errors.Is(err, ErrDamaged) && opts.Salvage && opts.ReadOnly && bdb == nil {
		return unopened(path, err, opts.Now)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: opts.ReadOnly, now: opts.Now, file: file, site: site}
	if err := db.checkPages(file, opts); err != nil {
		bdb.Close()
		return nil, err
	}
	if err := db.checkSchema(); errors.Is(err, errNeedsUpgrade) {
		// An archive of an older release, opened to be read (stats, export,
		// serve): upgraded in place first, as a crawl would, then read.
		bdb.Close()
		w, err := Open(path, Options{Timeout: opts.Timeout, Now: opts.Now, Site: opts.Site})
		if err != nil {
			return nil, fmt.Errorf("open archive %s: %w, which failed: %w", path, errNeedsUpgrade, err)
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return Open(path, opts)
	} else if errors.Is(err, ErrDamaged) && opts.Salvage {
		db.openDamage = errors.Join(db.openDamage, err)
	} else if err != nil {
		bdb.Close()
		return nil, err
	}
	if err := db.loadCodec(opts); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opts.ReadOnly {
		db.startWriter()
	}
	openFiles.add(path, 1)
	return db, nil
}

// complete fills in the defaults of the options left unset and returns
// the site of the archive's URLs.
func (opts *Options) complete() (sppcrawl.URLs, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return siteOr(opts.Site)
}

// openBolt opens the file with bbolt, once its pages are checked if it is
// to be written; the file is bbolt's (the stamp is written through it).
func openBolt(path string, opts Options) (*bolt.DB, *os.File, error) {
	if err := checkBeforeWrite(path, opts); err != nil {
		return nil, nil, unopenable(path, err)
	}
	var bdb *bolt.DB
	var file *os.File // bbolt's, kept to be closed should Open panic
	err := guard(path, func() (err error) {
		bdb, err = bolt.Open(path, 0o644, &bolt.Options{
			Timeout:      opts.Timeout,
			ReadOnly:     opts.ReadOnly,
			FreelistType: bolt.FreelistMapType,
			// The freelist is written with each commit: without it, every
			// read-write open would have bbolt rebuild it from every page of
			// the file.
			NoFreelistSync: false,
			OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
				f, err := os.OpenFile(name, flag, perm)
				file = f
				return f, err
			},
		})
		return err
	})
	err = unopenable(path, err)
	if errors.Is(err, ErrDamaged) && file != nil {
		// The file and its mapping hold the lock: released, the archive can
		// be opened again (read-only, to be verified).
		unmapFile(path)
		file.Close()
	}
	return bdb, file, err
}

// openError says in words why bbolt did not open the file at path.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, ErrDamaged):
		return err
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("open archive %s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum),
		strings.HasPrefix(err.Error(), "file size too small"): // bbolt's, without a sentinel
		return fmt.Errorf("open archive %s: %w: %v", path, ErrNotArchive, err)
	}
	return fmt.Errorf("open archive %s: %w", path, err)
}

// loadCodec reads the raw pages' compression dictionaries.
func (db *DB) loadCodec(opts Options) error {
	var dicts map[uint32][]byte
	err := db.viewTx(func(tx *bolt.Tx) error {
		dicts = loadDicts(tx)
		return nil
	})
	if errors.Is(err, ErrDamaged) && opts.Salvage {
		db.openDamage = errors.Join(db.openDamage, err)
	} else if err != nil {
		return fmt.Errorf("open archive %s: %w", db.path, err)
	}
	if db.raw, err = newRawCodec(dicts); err != nil {
		return fmt.Errorf("open archive %s: raw page dictionaries: %w", db.path, err)
	}
	return nil
}

// openFiles counts the DBs of this process open on each file, so that the
// clean-up after a failed open (unmapFile) leaves their mappings alone.
var openFiles = fileCounts{n: map[string]int{}}

type fileCounts struct {
	mu sync.Mutex
	n  map[string]int // absolute path → open DBs
}

func (c *fileCounts) add(path string, d int) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[abs] += d; c.n[abs] <= 0 {
		delete(c.n, abs)
	}
}

// inUse says whether a DB of this process has the file at abs open.
func inUse(abs string) bool {
	openFiles.mu.Lock()
	defer openFiles.mu.Unlock()
	return openFiles.n[abs] > 0
}

// checkFile refuses what cannot be an archive before bbolt sees it, in
// words: a directory, a device, an empty file; and, when mustExist, no file.
func checkFile(path string, mustExist bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && mustExist:
		return fmt.Errorf("open archive %s: %w (crawl or fetch creates one; is --db right?)", path, ErrNoArchive)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("open archive %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("open archive %s: it is a directory, not an archive file", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("open archive %s: it is a %s, not an archive file", path, fileKind(fi.Mode()))
	case fi.Size() == 0 && mustExist:
		return fmt.Errorf("open archive %s: %w (an empty file)", path, ErrNotArchive)
	}
	return nil
}

// fileKind names a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// Close releases the archive and its lock.
func (db *DB) Close() error {
	if !db.closed.CompareAndSwap(false, true) {
		return nil
	}
	db.stopWriter()
	defer openFiles.add(db.path, -1)
	if _, fileErr := db.Damage(); !db.readOnly && db.broken == nil && fileErr == nil {
		// Written only by this process since its pages were found sound:
		// the next open need not check them (stamp_linux.go).
		if txid, err := txidOf(db.bolt, db.path); err == nil {
			setStamp(db.file, txid)
		}
	}
	if db.bolt == nil { // a file bbolt could not open (unopened)
		return nil
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close archive %s: %w", db.path, err)
	}
	if db.snapshot != "" {
		os.Remove(db.snapshot)
	}
	return nil
}

func (db *DB) checkSchema() error {
	version, err := db.schemaVersion()
	if err != nil {
		return err
	}
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("open archive %s: %w (schema %d, this sppcrawl knows %d): upgrade sppcrawl", db.path, ErrNewerSchema, version, SchemaVersion)
	case db.readOnly && version == 0:
		return fmt.Errorf("open archive %s: empty archive (run crawl first)", db.path)
	case db.readOnly && version < SchemaVersion:
		return fmt.Errorf("open archive %s: schema %d %w to %d", db.path, version, errNeedsUpgrade, SchemaVersion)
	case db.readOnly && db.predatesMediaDue():
		return fmt.Errorf("open archive %s: %w (the media due list)", db.path, errNeedsUpgrade)
	case db.readOnly:
		return nil
	}
	// Read-write: every bucket of this release exists (one added since the
	// archive was written costs nothing), and older schemas are upgraded, all
	// in one transaction.
	if err := db.updateTx(func(tx *bolt.Tx) error { return upgradeTx(tx, version) }); err != nil {
		return fmt.Errorf("open archive %s: %w", db.path, err)
	}
	return nil
}

// predatesMediaDue says whether the archive was written before the media
// due list, which its upgrade fills (see mediadue.go).
func (db *DB) predatesMediaDue() bool {
	var old bool
	db.viewTx(func(tx *bolt.Tx) error {
		old = mediaDueUnfilled(tx)
		return nil
	})
	return old
}

// schemaVersion is the archive's schema, 0 for a new file; a file with
// buckets of its own and no archive's meta is ErrNotArchive.
func (db *DB) schemaVersion() (int, error) {
	var version int
	var foreign bool
	err := db.viewTx(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			// A bbolt file with buckets of its own is someone else's database.
			k, _ := tx.Cursor().First()
			foreign = k != nil
			return nil
		}
		v, err := strconv.Atoi(string(meta.Get(keySchema)))
		foreign, version = err != nil, v
		return nil
	})
	switch {
	case err != nil:
		return 0, fmt.Errorf("open archive %s: %w", db.path, err)
	case foreign:
		return 0, fmt.Errorf("open archive %s: %w (it holds other buckets)", db.path, ErrNotArchive)
	}
	return version, nil
}

// upgradeTx creates the buckets and counters this release has and runs the
// migrations from version to SchemaVersion, noting what they did.
func upgradeTx(tx *bolt.Tx, version int) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	if err := ensureCounters(tx); err != nil {
		return err
	}
	filled, err := fillMediaDue(tx)
	if err != nil {
		return err
	}
	if version == SchemaVersion {
		if filled == "" {
			return nil
		}
		return tx.Bucket(bucketMeta).Put(keyUpgraded, []byte(filled))
	}
	var notes []string
	for v := max(version, 1); v < SchemaVersion; v++ {
		note, err := migrations[v-1](tx)
		if err != nil {
			return fmt.Errorf("upgrade schema %d→%d: %w", v, v+1, err)
		}
		notes = append(notes, fmt.Sprintf("schema %d→%d: %s", v, v+1, note))
	}
	if filled != "" {
		notes = append(notes, filled)
	}
	meta := tx.Bucket(bucketMeta)
	if version > 0 {
		if err := meta.Put(keyUpgraded, []byte(strings.Join(notes, "; "))); err != nil {
			return err
		}
	}
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}

// Upgraded says what the last schema upgrade of the archive did, if any.
func (db *DB) Upgraded(ctx context.Context) (string, error) {
	var s string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		s = string(tx.Bucket(bucketMeta).Get(keyUpgraded))
		return nil
	})
	return s, err
}

func (db *DB) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	return db.write(ctx, fn)
}

func (db *DB) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.viewTx(fn)
}

// viewTx and updateTx are bbolt's View and Update, guarded (see damage.go).
func (db *DB) viewTx(fn func(*bolt.Tx) error) error {
	if db.broken != nil {
		return db.broken
	}
	err := guard(db.path, func() error { return db.bolt.View(fn) })
	db.dmg.fileDamaged(err)
	return err
}

func (db *DB) updateTx(fn func(*bolt.Tx) error) error {
	if db.broken != nil {
		return db.broken
	}
	err := guard(db.path, func() error { return db.bolt.Update(fn) })
	db.dmg.fileDamaged(err)
	return err
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// Path is the archive's file.
func (db *DB) Path() string { return db.path }

// ReadOnly reports whether the archive was opened (or salvaged) read-only.
func (db *DB) ReadOnly() bool { return db.readOnly }
