package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"sppcrawl"
)

// Archive is what the index reads of the archive; *store.DB satisfies it.
type Archive interface {
	// SinceSeq returns up to limit articles with seq > after, in seq
	// order, and the seq of the last record it passed (records that do not
	// decode are passed, with an error saying so).
	SinceSeq(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error)
	// LastSeq is the highest seq handed out.
	LastSeq(ctx context.Context) (uint64, error)
	// CountAfter is the number of articles with seq > after.
	CountAfter(ctx context.Context, after uint64) (int, error)
	// EarlierVersions are the replaced versions of an article whose text
	// the archive kept, oldest first.
	EarlierVersions(ctx context.Context, id string) ([]*sppcrawl.Article, error)
	// ArticleVersion is version v of an article (the current one or an
	// earlier one).
	ArticleVersion(ctx context.Context, id string, v int) (*sppcrawl.Article, error)
}

// batchSize and batchBytes bound one transaction of CatchUp, whichever
// comes first: the unit a kill can lose (it is indexed again by the next
// catch-up), and one segment of each FTS table. The text a transaction
// holds for the FTS tables until its commit (writer.flush: they must be
// written in rowid order) is the largest share of indexing's memory, and
// batchBytes is its bound (passed by at most one read of readSize
// articles), whatever the articles' length.
const batchSize = 1024

var batchBytes = 8 << 20 // a variable for the tests of the bound

// readSize is how many articles one read of the archive decodes: a batch
// is read in these, each article turned into its rows at once, so the
// decoded articles in memory are these few, not the batch.
const readSize = 64

// Report says what a CatchUp did.
type Report struct {
	Articles int           `json:"articles"` // articles (re)indexed
	Versions int           `json:"versions"` // versions written to the index
	Removed  int           `json:"removed"`  // versions taken out
	Skipped  int           `json:"skipped"`  // records of the archive that did not decode
	Rebuilt  bool          `json:"rebuilt"`  // made again from nothing
	Behind   int           `json:"behind"`   // articles still not indexed (a stop, or skipped)
	Handed   int           `json:"-"`        // of Articles, those taken as handed over (Handoff), not read back
	Duration time.Duration `json:"-"`
}

func (r Report) String() string {
	s := fmt.Sprintf("search index: %d articles indexed (%d versions written, %d removed) in %s",
		r.Articles, r.Versions, r.Removed, r.Duration.Round(time.Millisecond))
	if r.Skipped > 0 {
		s += fmt.Sprintf(", %d records of the archive skipped (they do not decode)", r.Skipped)
	}
	if r.Behind > 0 {
		s += fmt.Sprintf(", %d behind", r.Behind)
	}
	if r.Handed > 0 {
		s += fmt.Sprintf(", %d of them as handed over, not read back", r.Handed)
	}
	return s
}

// Progress is told, after each batch, how many articles of total are done.
type Progress func(done, total int)

// CatchUp indexes what the archive changed since the index's watermark,
// following the seq log: new articles, corrections (the earlier version
// stays findable under versions=all), withdrawals. Each batch commits with
// the watermark, so a stop or a kill loses at most the batch in progress,
// which the next CatchUp indexes. An archive behind the watermark (another
// file, or a backup put back) is indexed again from nothing. A file found
// damaged (by this catch-up, a query or Check) is made again first, and a
// file another process made again is followed (see mend).
func (ix *Index) CatchUp(ctx context.Context, arch Archive, progress Progress) (Report, error) {
	if ix.opts.ReadOnly {
		return Report{}, fmt.Errorf("search index %s: opened read-only", ix.path)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	start := time.Now()
	var rep Report
	err := ix.mendAndCatchUp(ctx, arch, progress, &rep)
	if errors.Is(err, ErrDamaged) { // found on the way: made again, then filled
		rep = Report{}
		err = ix.mendAndCatchUp(ctx, arch, progress, &rep)
	}
	rep.Duration = time.Since(start)
	if err == nil {
		ix.filling.Store(false)
	}
	if n, berr := ix.Behind(ctx, arch); berr == nil {
		rep.Behind = n
	}
	if ctx.Err() == nil {
		ix.lastErr.Store(&errBox{err})
	}
	return rep, err
}

// mendAndCatchUp is one attempt of CatchUp (the caller holds ix.mu): the
// file mended, then filled from the archive; damage met is ErrDamaged.
func (ix *Index) mendAndCatchUp(ctx context.Context, arch Archive, progress Progress, rep *Report) error {
	if err := ix.mend(rep); err != nil {
		return err
	}
	return ix.checked(ix.catchUp(ctx, arch, progress, rep))
}

// errBox holds an error for an atomic.Pointer.
type errBox struct{ err error }

// Follow keeps the index caught up with arch until ctx ends: at once, then
// after every signal on changes (store.DB.Commits), so what a long-running
// process stores is searchable within moments of its commit. A failed
// catch-up is logged and shows in Status; the next signal tries again. It
// also keeps the file sound: one found damaged (by any query) is made
// again from the archive at once, and one another process made again is
// followed.
func (ix *Index) Follow(ctx context.Context, arch Archive, changes <-chan struct{}) {
	ix.following.Store(true)
	defer ix.following.Store(false)
	for {
		rep, err := ix.CatchUp(ctx, arch, nil)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			ix.opts.Logger.Warn("search index: catch-up failed (searches say how far behind they are)", "path", ix.path, "err", err)
		case rep.Articles > 0:
			ix.opts.Logger.Info(rep.String())
		}
		ix.opts.Logger.Debug("search index: waiting for changes", "path", ix.path)
		select {
		case <-ctx.Done():
			return
		case <-changes:
		case <-ix.repairs:
		}
	}
}

func (ix *Index) catchUp(ctx context.Context, arch Archive, progress Progress, rep *Report) error {
	wm, err := metaInt(ctx, ix.sql(), "watermark")
	if err != nil {
		return fmt.Errorf("search index %s: %w", ix.path, err)
	}
	last, err := arch.LastSeq(ctx)
	if err != nil {
		return err
	}
	if uint64(wm) > last {
		if err := ix.clear(ctx); err != nil {
			return err
		}
		wm, rep.Rebuilt = 0, true
	}
	total, err := arch.CountAfter(ctx, uint64(wm))
	if err != nil || total == 0 {
		return err
	}
	skipped := map[string]bool{}
	defer func() { rep.Skipped = len(skipped) }()
	for done := 0; ; {
		next, n, err := ix.indexBatch(ctx, arch, wm, skipped, rep)
		if err != nil {
			return err
		}
		if next <= wm {
			return nil // the end of the log
		}
		wm, done = next, done+n
		if progress != nil {
			progress(min(done, total), total)
		}
	}
}

// skippedKeys are the records an archive read skipped (store.Skipped).
func skippedKeys(err error) []string {
	var sk interface{ Keys() []string }
	if errors.As(err, &sk) {
		return sk.Keys()
	}
	return nil
}

// indexBatch indexes the articles after watermark wm, up to batchSize of
// them or batchBytes of their text, in one transaction that moves the
// watermark past the last record read: the seq it moved to (wm at the end
// of the log) and the articles read. Another process that moved the
// watermark meanwhile wins, and this one reads on from there.
func (ix *Index) indexBatch(ctx context.Context, arch Archive, wm int64, skipped map[string]bool, rep *Report) (int64, int, error) {
	tx, err := ix.sql().BeginTx(ctx, nil)
	if err != nil {
		return wm, 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	defer tx.Rollback()
	now, err := metaInt(ctx, tx, "watermark")
	if err != nil {
		return wm, 0, err
	}
	if now != wm {
		return now, 0, nil
	}
	if err := mendMerging(ctx, tx); err != nil {
		return wm, 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	w, err := newWriter(ctx, tx)
	if err != nil {
		return wm, 0, err
	}
	defer w.close()
	w.hand = ix.opts.Handoff
	next, n, err := w.read(ctx, arch, wm, skipped, rep)
	if err != nil || next == wm {
		return wm, 0, err
	}
	if err := w.flush(ctx); err != nil {
		return wm, 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	if err := w.commit(ctx, next); err != nil {
		return wm, 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	return next, n, nil
}

// Rebuild makes the index again from the whole archive.
func (ix *Index) Rebuild(ctx context.Context, arch Archive, progress Progress) (Report, error) {
	if ix.opts.ReadOnly {
		return Report{}, fmt.Errorf("search index %s: opened read-only", ix.path)
	}
	ix.mu.Lock()
	err := ix.clear(ctx)
	ix.mu.Unlock()
	if err != nil {
		return Report{}, ix.checked(err)
	}
	rep, err := ix.CatchUp(ctx, arch, progress)
	rep.Rebuilt = true
	return rep, err
}

// clear empties the index; the mod counter goes on, so caches of other
// processes see every row anew.
func (ix *Index) clear(ctx context.Context) error {
	tx, err := ix.sql().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	mod, err := metaInt(ctx, tx, "mod")
	if err != nil {
		return err
	}
	for _, s := range []string{`DELETE FROM tri`, `DELETE FROM uni`} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("search index %s: clear: %w", ix.path, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE docs SET flags=?, mod=? WHERE flags & ? = 0`, flagGone, mod+1, flagGone); err != nil {
		return err
	}
	ix.filling.Store(true)
	if err := setMeta(ctx, tx, "watermark", 0); err != nil {
		return err
	}
	if err := setMeta(ctx, tx, "mod", mod+1); err != nil {
		return err
	}
	return tx.Commit()
}

// Status is how far the index is behind the archive.
type Status struct {
	Path      string    `json:"path"`
	Watermark uint64    `json:"watermark"`
	Behind    int       `json:"behind"` // articles changed in the archive since
	Versions  int       `json:"versions"`
	Bytes     int64     `json:"bytes"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Following: this process catches the index up after every commit
	// (Follow), so a lag is a moment's.
	Following bool `json:"following"`
	// Error is why this process's last catch-up failed ("" if it did not).
	Error string `json:"error,omitempty"`
	// Damaged is what this process found damaged in the file ("" if
	// nothing): searches fail until it is made again.
	Damaged string `json:"damaged,omitempty"`
}

// Stale says why searches may miss what the archive holds, "" when they
// cannot: the last catch-up failed, or the index is behind and nothing in
// this process catches it up.
func (st Status) Stale() string {
	switch {
	case st.Damaged != "":
		return fmt.Sprintf("search index: %s", st.Damaged)
	case st.Error != "":
		return fmt.Sprintf("search index: the last catch-up failed: %s", st.Error)
	case st.Behind > 0 && !st.Following:
		return fmt.Sprintf("search index: %d articles behind the archive (sppcrawl index catches it up)", st.Behind)
	}
	return ""
}

// Status reports the index's watermark and how many articles of the
// archive it does not reflect yet.
func (ix *Index) Status(ctx context.Context, arch Archive) (Status, error) {
	st, err := ix.status(ctx, arch)
	if err = ix.checked(err); errors.Is(err, ErrDamaged) {
		err = nil // said in the status itself
	}
	if b := ix.damage.Load(); b != nil {
		st.Damaged = b.err.Error()
	}
	return st, err
}

func (ix *Index) status(ctx context.Context, arch Archive) (Status, error) {
	st := Status{Path: ix.path, Bytes: ix.Size(), Following: ix.following.Load()}
	if b := ix.lastErr.Load(); b != nil && b.err != nil {
		st.Error = b.err.Error()
	}
	wm, err := metaInt(ctx, ix.sql(), "watermark")
	if err != nil {
		return st, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	st.Watermark = uint64(wm)
	if st.Behind, err = arch.CountAfter(ctx, st.Watermark); err != nil {
		return st, err
	}
	var at sql.NullString
	ix.sql().QueryRowContext(ctx, `SELECT value FROM meta WHERE key='updated_at'`).Scan(&at)
	st.UpdatedAt, _ = time.Parse(time.RFC3339, at.String)
	st.Versions, err = ix.versions(ctx)
	return st, err
}

// versions counts the indexed versions: from the cache of filters when this
// process holds it (serve, once a query ran), else with a count of the docs
// table — ten times cheaper than loading the cache for one figure — kept
// until the index changes (health checks ask often).
func (ix *Index) versions(ctx context.Context) (int, error) {
	if ix.cache.loaded() {
		tx, snap, err := ix.readSnapshot(ctx)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		return len(snap.docs), nil
	}
	tx, err := ix.sql().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	defer tx.Rollback()
	mod, err := metaInt(ctx, tx, "mod")
	if err != nil {
		return 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	if c := ix.counted.Load(); c != nil && c.mod == mod {
		return c.n, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM docs WHERE flags & ? = 0`, flagGone).Scan(&n); err != nil {
		return 0, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	ix.counted.Store(&versionCount{mod, n})
	return n, nil
}

// versionCount is a count of the indexed versions at a mod counter.
type versionCount struct {
	mod int64
	n   int
}

// quoteFTS makes s one FTS5 string: never an operator, column or prefix.
func quoteFTS(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Trail keeps the index within about lag records of arch's seq log until
// stop closes (or ctx ends), woken by changes (store.DB.Commits): a long
// crawl's articles are indexed as it goes, lag at a time, instead of all
// read back from the archive at its end. Indexing alongside the crawl
// keeps the peak of both phases to about the crawl's, and takes what the
// crawl hands over (Options.Handoff) instead of decoding it again; lag
// keeps each catch-up a whole segment's worth (a catch-up per commit would
// write small segments that merges rewrite). A catch-up under way when stop closes finishes; what is left
// is the caller's to catch up. A failed catch-up is logged; the next
// signal tries again.
func (ix *Index) Trail(ctx context.Context, arch Archive, changes, stop <-chan struct{}, lag int) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-changes:
		}
		if !ix.lagging(ctx, arch, lag) {
			continue
		}
		rep, err := ix.CatchUp(ctx, arch, nil)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			ix.opts.Logger.Warn("search index: catch-up failed (the command's end tries again)", "path", ix.path, "err", err)
		default:
			ix.opts.Logger.Debug(rep.String())
		}
	}
}

// lagging says whether the index is lag records or more behind arch.
func (ix *Index) lagging(ctx context.Context, arch Archive, lag int) bool {
	wm, err := metaInt(ctx, ix.sql(), "watermark")
	if err != nil {
		return true // CatchUp says what is wrong, and mends it
	}
	last, err := arch.LastSeq(ctx)
	return err == nil && last >= uint64(wm)+uint64(lag)
}
