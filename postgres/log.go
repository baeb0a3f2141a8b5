package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"sppcrawl"
)

// LastSeq is the highest seq handed out (and committed).
func (db *DB) LastSeq(ctx context.Context) (uint64, error) {
	return db.counter(ctx, "seq")
}

// Generation changes whenever exported data changes.
func (db *DB) Generation(ctx context.Context) (uint64, error) {
	return db.counter(ctx, "generation")
}

func (db *DB) counter(ctx context.Context, name string) (uint64, error) {
	var v int64
	if err := db.rd().QueryRow(ctx, "SELECT value FROM counters WHERE name = $1", name).Scan(&v); err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return uint64(v), nil
}

// CountAfter is the number of articles with seq > after.
func (db *DB) CountAfter(ctx context.Context, after uint64) (int, error) {
	return db.countOf(ctx, "SELECT count(*) FROM articles WHERE seq > $1", int64(after))
}

// logRow is an article of the log: its seq and JSON.
type logRow struct {
	seq uint64
	doc string
}

// logPage is up to limit rows of the log after after, in seq order; only
// those with cases if cases.
func (db *DB) logPage(ctx context.Context, after uint64, limit int, cases bool) ([]logRow, error) {
	q := "SELECT seq, doc FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2"
	if cases {
		q = "SELECT seq, doc FROM articles WHERE has_cases AND seq > $1 ORDER BY seq LIMIT $2"
	}
	rows, err := db.rd().Query(ctx, q, int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("log after %d: %w", after, err)
	}
	defer rows.Close()
	var out []logRow
	for rows.Next() {
		var seq int64
		var r logRow
		if err := rows.Scan(&seq, &r.doc); err != nil {
			return nil, fmt.Errorf("log after %d: %w", after, err)
		}
		r.seq = uint64(seq)
		out = append(out, r)
	}
	return out, rows.Err()
}

// eachLog calls fn for every row of the log after after, a page at a time.
func (db *DB) eachLog(ctx context.Context, after uint64, cases bool, fn func(logRow) error) error {
	for {
		rows, err := db.logPage(ctx, after, page, cases)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
			after = r.seq
		}
		if len(rows) < page {
			return nil
		}
	}
}

// Since is up to limit articles with seq > after, in seq order.
func (db *DB) Since(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, error) {
	out, _, err := db.SinceSeq(ctx, after, limit)
	return out, err
}

// SinceSeq is Since with the seq of the last article read: the cursor.
func (db *DB) SinceSeq(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error) {
	rows, err := db.logPage(ctx, after, limit, false)
	if err != nil {
		return nil, after, err
	}
	out, last := make([]*sppcrawl.Article, 0, len(rows)), after
	for _, r := range rows {
		a, err := decodeArticle(r.doc)
		if err != nil {
			return out, last, fmt.Errorf("seq %d: %w", r.seq, err)
		}
		out, last = append(out, a), r.seq
	}
	return out, last, nil
}

// SinceJSON is Since as the articles' exported JSON, with the cursor.
func (db *DB) SinceJSON(ctx context.Context, after uint64, limit int) ([][]byte, uint64, error) {
	rows, err := db.logPage(ctx, after, limit, false)
	if err != nil {
		return nil, after, err
	}
	out, last := make([][]byte, 0, len(rows)), after
	for _, r := range rows {
		out, last = append(out, []byte(r.doc)), r.seq
	}
	if top, err := db.LastSeq(ctx); err == nil && last > top {
		last = top
	}
	return out, last, nil
}

// ForEach calls fn for every article with seq > after, in seq order.
func (db *DB) ForEach(ctx context.Context, after uint64, fn func(*sppcrawl.Article) error) error {
	return db.forEach(ctx, after, false, fn)
}

// ForEachWithCases is ForEach for the articles that state cases.
func (db *DB) ForEachWithCases(ctx context.Context, after uint64, fn func(*sppcrawl.Article) error) error {
	return db.forEach(ctx, after, true, fn)
}

func (db *DB) forEach(ctx context.Context, after uint64, cases bool, fn func(*sppcrawl.Article) error) error {
	return db.eachLog(ctx, after, cases, func(r logRow) error {
		a, err := decodeArticle(r.doc)
		if err != nil {
			return fmt.Errorf("seq %d: %w", r.seq, err)
		}
		return fn(a)
	})
}

// ForEachJSON calls fn with the seq and exported JSON of every article
// with seq > after, in seq order.
func (db *DB) ForEachJSON(ctx context.Context, after uint64, fn func(seq uint64, j []byte) error) error {
	return db.eachLog(ctx, after, false, func(r logRow) error { return fn(r.seq, []byte(r.doc)) })
}

// ForEachRaw calls fn for every raw page kept, every version's.
func (db *DB) ForEachRaw(ctx context.Context, fn func(*sppcrawl.RawPage) error) error {
	after := int64(0)
	for {
		ps, keys, err := db.rawPageBatch(ctx, after)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if err := fn(p); err != nil {
				return err
			}
			after = keys[i]
		}
		if len(ps) < page {
			return nil
		}
	}
}

func (db *DB) rawPageBatch(ctx context.Context, after int64) ([]*sppcrawl.RawPage, []int64, error) {
	rows, err := db.rd().Query(ctx, "SELECT key, header, body FROM raw_pages WHERE key > $1 ORDER BY key LIMIT $2", after, page)
	if err != nil {
		return nil, nil, fmt.Errorf("raw pages: %w", err)
	}
	defer rows.Close()
	var ps []*sppcrawl.RawPage
	var keys []int64
	for rows.Next() {
		var key int64
		var hdr string
		var body []byte
		if err := rows.Scan(&key, &hdr, &body); err != nil {
			return nil, nil, fmt.Errorf("raw pages: %w", err)
		}
		p, err := decodeRaw(hdr, body)
		if err != nil {
			return nil, nil, fmt.Errorf("raw page %d: %w", key, err)
		}
		ps, keys = append(ps, p), append(keys, key)
	}
	return ps, keys, rows.Err()
}

// Events is up to limit events with seq > after, in seq order.
func (db *DB) Events(ctx context.Context, after uint64, limit int) ([]sppcrawl.Event, error) {
	rows, err := db.rd().Query(ctx, "SELECT doc FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	defer rows.Close()
	var out []sppcrawl.Event
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		var e sppcrawl.Event
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			return nil, fmt.Errorf("event: %w: %v", sppcrawl.ErrUndecodable, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
