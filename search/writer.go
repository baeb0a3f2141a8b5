package search

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// writer writes versions into the index inside one transaction, with its
// statements prepared once. Its writes to the FTS tables wait for flush:
// FTS5 keeps a transaction's new terms in memory only while rowids rise and
// no delete comes between; otherwise it writes a segment per row, and
// merging those was most of indexing's CPU (rids follow channel and date,
// not the crawl's order).
type writer struct {
	tx       *sql.Tx
	mod      int64 // the mod counter of this transaction's rows
	channels map[string]int64
	st       map[string]*sql.Stmt
	deletes  []int64
	inserts  []pending
	bytes    int      // the text of inserts
	hand     *Handoff // nil: everything is read back
}

// pending is a version's row for both FTS tables.
type pending struct {
	rid int64
	in  indexed
}

var writerSQL = map[string]string{
	"rows":    `SELECT rid, version, flags, effective, fp, published FROM docs WHERE id=? AND flags & ` + strconv.Itoa(flagGone) + ` = 0`,
	"maxRid":  `SELECT max(rid) FROM docs WHERE rid BETWEEN ? AND ?`,
	"doc":     `INSERT INTO docs(rid, id, version, flags, effective, fp, mod, published) VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
	"flags":   `UPDATE docs SET flags=?, effective=?, mod=? WHERE rid=?`,
	"tri":     `INSERT INTO tri(rowid, ` + strings.Join(columns, ", ") + `) VALUES(?` + strings.Repeat(", ?", len(columns)) + `)`, // by name: the table has body first
	"uni":     `INSERT INTO uni(rowid, grams) VALUES(?, ?)`,
	"delTri":  `DELETE FROM tri WHERE rowid=?`,
	"delUni":  `DELETE FROM uni WHERE rowid=?`,
	"channel": `SELECT idx FROM channels WHERE site=? AND path=?`,
	"addChan": `INSERT INTO channels(site, path) VALUES(?, ?) RETURNING idx`,
}

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	mod, err := metaInt(ctx, tx, "mod")
	if err != nil {
		return nil, err
	}
	w := &writer{tx: tx, mod: mod + 1, channels: map[string]int64{}, st: map[string]*sql.Stmt{}}
	for name, q := range writerSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare %s: %w", name, err)
		}
		w.st[name] = st
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range w.st {
		s.Close()
	}
}

// read indexes the articles after seq wm, readSize at a time, until the
// end of the log or the batch's bounds: the seq of the last record read
// and the articles read. Records that do not decode are passed, named in
// skipped.
func (w *writer) read(ctx context.Context, arch Archive, wm int64, skipped map[string]bool, rep *Report) (int64, int, error) {
	n := 0
	for n < batchSize && w.bytes < batchBytes {
		docs, last, err := w.next(ctx, arch, wm, min(readSize, batchSize-n), skipped, rep)
		if err != nil {
			return wm, n, err
		}
		if last <= wm {
			break // the end of the log
		}
		for _, d := range docs {
			if err := w.article(ctx, arch, d, rep); err != nil {
				return wm, n, fmt.Errorf("article %s: %w", d.id, err)
			}
		}
		wm, n = last, n+len(docs)
	}
	return wm, n, nil
}

// next is up to limit versions after seq wm and the seq of the last
// record passed: those the command handed over when they are the log's
// next records (Handoff), else read from the archive.
func (w *writer) next(ctx context.Context, arch Archive, wm int64, limit int, skipped map[string]bool, rep *Report) ([]indexable, int64, error) {
	if docs, last, ok := w.hand.handed(ctx, arch, wm, limit); ok {
		rep.Handed += len(docs)
		return docs, last, nil
	}
	arts, last, err := arch.SinceSeq(ctx, uint64(wm), limit)
	keys := skippedKeys(err)
	if err != nil && keys == nil {
		return nil, wm, err
	}
	for _, k := range keys {
		skipped[k] = true
	}
	docs := make([]indexable, len(arts))
	for i, a := range arts {
		docs[i] = indexableOf(a)
	}
	return docs, int64(last), nil
}

// commit moves the watermark to next with the transaction's mod counter,
// and commits.
func (w *writer) commit(ctx context.Context, next int64) error {
	for _, m := range []struct {
		key string
		v   any
	}{{"watermark", next}, {"mod", w.mod}, {"updated_at", time.Now().UTC().Format(time.RFC3339)}} {
		if err := setMeta(ctx, w.tx, m.key, m.v); err != nil {
			return err
		}
	}
	return w.tx.Commit()
}

// row is a version as the docs table has it.
type row struct {
	rid, flags, effective, fp, published int64
	version                              int
}

// article brings the index in line with the archive's a: its current
// version, its earlier versions (indexed once, their flags following the
// article's), nothing else of its id.
func (w *writer) article(ctx context.Context, arch Archive, a indexable, rep *Report) error {
	rows, err := w.rows(ctx, a.id)
	if err != nil {
		return err
	}
	rep.Articles++
	withdrawn := int64(0)
	if a.withdrawn {
		withdrawn = flagWithdrawn
	}
	for v, r := range rows {
		switch {
		case v == a.version || v > a.version:
			continue
		case r.flags&(flagCurrent|flagWithdrawn) != withdrawn:
			// an earlier version: its text stays, it is no longer current
			if err := w.setFlags(ctx, r, r.flags&^(flagCurrent|flagWithdrawn)|withdrawn, r.effective); err != nil {
				return err
			}
		}
	}
	if err := w.version(ctx, a, true, rows, rep); err != nil {
		return err
	}
	for v, r := range rows {
		if v > a.version {
			if err := w.remove(ctx, r, rep); err != nil {
				return err
			}
		}
	}
	return w.earlier(ctx, arch, a, rows, rep)
}

// earlier indexes the earlier versions of a that the index lacks.
func (w *writer) earlier(ctx context.Context, arch Archive, a indexable, rows map[int]row, rep *Report) error {
	missing := false
	for v := 1; v < a.version; v++ {
		if _, ok := rows[v]; !ok {
			missing = true
		}
	}
	if !missing {
		return nil
	}
	old, err := arch.EarlierVersions(ctx, a.id)
	if err != nil {
		return err
	}
	for _, o := range old {
		if _, ok := rows[o.Version]; ok || o.Version >= a.version {
			continue
		}
		d := indexableOf(o)
		d.withdrawn = a.withdrawn
		if err := w.version(ctx, d, false, rows, rep); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) rows(ctx context.Context, id string) (map[int]row, error) {
	rs, err := w.st["rows"].QueryContext(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[int]row{}
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.rid, &r.version, &r.flags, &r.effective, &r.fp, &r.published); err != nil {
			return nil, err
		}
		out[r.version] = r
	}
	return out, rs.Err()
}

// version writes one version: only its flags when its text and place are
// those indexed, else anew (what was indexed of it taken out).
func (w *writer) version(ctx context.Context, a indexable, current bool, rows map[int]row, rep *Report) error {
	ch, err := w.channel(ctx, a.site, a.channel)
	if err != nil {
		return err
	}
	in := indexedOf(a.fields)
	flags, eff, base, pub := a.flags(current), a.effective, ridBase(ch, a.published), pubSecs(a.published)
	if r, ok := rows[a.version]; ok {
		if r.rid&^ridCtrMask == base && r.published == pub && r.fp == in.fp {
			if r.flags == flags && r.effective == eff {
				return nil
			}
			return w.setFlags(ctx, r, flags, eff)
		}
		if err := w.remove(ctx, r, rep); err != nil {
			return err
		}
	}
	rid, err := w.allocRid(ctx, base)
	if err != nil {
		return err
	}
	w.inserts = append(w.inserts, pending{rid, in})
	w.bytes += in.size()
	if _, err := w.st["doc"].ExecContext(ctx, rid, a.id, a.version, flags, eff, in.fp, w.mod, pub); err != nil {
		return err
	}
	rows[a.version] = row{rid: rid, version: a.version, flags: flags, effective: eff, fp: in.fp, published: pub}
	rep.Versions++
	return nil
}

func (w *writer) setFlags(ctx context.Context, r row, flags, eff int64) error {
	_, err := w.st["flags"].ExecContext(ctx, flags, eff, w.mod, r.rid)
	return err
}

// remove takes a version out of both tables (at flush); its row stays,
// gone.
func (w *writer) remove(ctx context.Context, r row, rep *Report) error {
	w.deletes = append(w.deletes, r.rid)
	rep.Removed++
	return w.setFlags(ctx, r, flagGone, 0)
}

// flush writes the FTS tables' queued changes: the deletes, then the
// inserts in rising rid order, one table after the other. A rid both
// inserted and deleted here (an article met twice) never reaches them.
func (w *writer) flush(ctx context.Context) error {
	w.cancelOut()
	for _, st := range []string{"delTri", "delUni"} {
		for _, rid := range w.deletes {
			if _, err := w.st[st].ExecContext(ctx, rid); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(w.inserts, func(a, b pending) int { return cmp.Compare(a.rid, b.rid) })
	for _, p := range w.inserts {
		if _, err := w.st["tri"].ExecContext(ctx, append([]any{p.rid}, p.in.tri...)...); err != nil {
			return err
		}
	}
	for _, p := range w.inserts {
		if _, err := w.st["uni"].ExecContext(ctx, p.rid, p.in.uni); err != nil {
			return err
		}
	}
	w.deletes, w.inserts, w.bytes = nil, nil, 0
	return nil
}

// cancelOut drops the inserts deleted again in this transaction, and their
// deletes: rids are never reused, so those rows never were in the tables.
func (w *writer) cancelOut() {
	if len(w.deletes) == 0 {
		return
	}
	inserted := make(map[int64]bool, len(w.inserts))
	for _, p := range w.inserts {
		inserted[p.rid] = true
	}
	deleted := map[int64]bool{}
	w.deletes = slices.DeleteFunc(w.deletes, func(rid int64) bool {
		deleted[rid] = true
		return inserted[rid]
	})
	w.inserts = slices.DeleteFunc(w.inserts, func(p pending) bool { return deleted[p.rid] })
}

// allocRid is a rid of base never used before (gone rows keep theirs).
func (w *writer) allocRid(ctx context.Context, base int64) (int64, error) {
	var max sql.NullInt64
	if err := w.st["maxRid"].QueryRowContext(ctx, base, base|ridCtrMask).Scan(&max); err != nil {
		return 0, err
	}
	switch {
	case !max.Valid:
		return base, nil
	case max.Int64&ridCtrMask == ridCtrMask:
		return 0, fmt.Errorf("more than %d versions published on the same day in one channel", ridCtrMask)
	}
	return max.Int64 + 1, nil
}

// channel is the index of a site's channel path, given one on first
// sight.
func (w *writer) channel(ctx context.Context, site, path string) (int64, error) {
	key := site + " " + path
	if i, ok := w.channels[key]; ok {
		return i, nil
	}
	var i int64
	err := w.st["channel"].QueryRowContext(ctx, site, path).Scan(&i)
	if err == sql.ErrNoRows {
		err = w.st["addChan"].QueryRowContext(ctx, site, path).Scan(&i)
	}
	if err != nil {
		return 0, err
	}
	if i >= maxChannels {
		return 0, fmt.Errorf("more than %d channels", maxChannels-1)
	}
	w.channels[key] = i
	return i, nil
}
