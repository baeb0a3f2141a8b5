package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"sppcrawl"
)

// A row that does not decode is never deleted: verify --repair moves it,
// whole, to the quarantine table (its columns as JSON, bytes as hex), with
// the table and key it had, the article it was of and why, and clears what
// pointed at it; the article is then stored again from its raw page, as a
// file's repair does, or, when that page does not read, fetched and stored
// anew by the next crawl (its version numbering goes on from the versions
// kept).

// RepairReport is what Repair did.
type RepairReport struct {
	Quarantined []string `json:"quarantined"` // rows moved aside
	Rebuilt     []string `json:"rebuilt"`     // articles stored again from their raw page
	Requeued    []string `json:"requeued"`    // URLs due for a fetch by the next crawl
}

// quarantineKeys is each table a repair moves rows of, with the key of a
// row as text: the only tables and expressions its statements name.
var quarantineKeys = map[string]string{
	"articles": "id", "versions": "id || ' ' || version", "raw_pages": "key::text",
	"failures": "url", "channel_states": "site || path", "gone": "id", "events": "seq::text",
	"urls": "url", "case_numbers": "number", "media_urls": "url",
}

// Repair moves every row that does not decode aside (quarantine, never
// deleted), and the index rows that point to nothing (URLs, case numbers,
// file URLs). An article set aside is stored again from its newest raw
// page with parse (the extractor, which the archive does not know); one
// whose page does not read or parse is due now in the failure log, so that
// the next crawl (or sppcrawl fetch) stores it again, and so is one whose
// current page was set aside. A file whose bytes do not hash to its name
// stays, named by verify.
func (db *DB) Repair(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error)) (RepairReport, error) {
	var bad []badRow
	err := db.Snapshot(ctx, func(s *DB) error {
		var scanned sppcrawl.VerifyReport
		v, err := s.scan(ctx, &scanned, func(*sppcrawl.RawPage) error { return nil })
		bad = v.bad
		return err
	})
	rep := RepairReport{Quarantined: []string{}, Rebuilt: []string{}, Requeued: []string{}}
	if err == nil && len(bad) > 0 {
		err = db.write(ctx, func(w *wtx) error {
			rep = RepairReport{Quarantined: []string{}, Rebuilt: []string{}, Requeued: []string{}} // a transaction may run twice
			for _, b := range bad {
				if err := w.setAside(b, &rep); err != nil {
					return fmt.Errorf("set aside %s %s: %w", b.table, b.key, err)
				}
			}
			return w.bumpGeneration()
		})
	}
	for _, b := range bad {
		if err == nil && b.table == "articles" {
			err = db.rebuild(ctx, b.id, b.url, parse, &rep)
		}
	}
	if err != nil {
		return rep, fmt.Errorf("repair %s: %w", db.name, err)
	}
	return rep, nil
}

// rebuild stores the article id, set aside, again from its newest raw page
// as its current page, its URL's failure cleared; when the page does not
// read or parse as id's, the URL stays due for a fetch.
func (db *DB) rebuild(ctx context.Context, id, url string, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error), rep *RepairReport) error {
	raw, err := rawPage(ctx, db.rd(), "raw page of "+id, "SELECT header, body FROM raw_pages WHERE id = $1 ORDER BY key DESC LIMIT 1", id)
	if errors.Is(err, sppcrawl.ErrNotFound) || errors.Is(err, sppcrawl.ErrUndecodable) {
		return nil // no page to read: the URL stays due
	}
	if err != nil {
		return err
	}
	a, err := parse(raw)
	if err != nil || a.ID != id || a.URL == "" {
		return nil
	}
	a.FetchedAt = raw.FetchedAt
	var r sppcrawl.UpsertResult
	err = db.write(ctx, func(w *wtx) error {
		var err error
		if r, err = w.upsert(a, nil); err != nil {
			return err
		}
		if _, err = w.Exec(w.ctx, `UPDATE articles SET raw_key = (SELECT max(key) FROM raw_pages WHERE id = $1)
			WHERE id = $1 AND raw_key IS NULL`, id); err != nil {
			return err
		}
		_, err = w.Exec(w.ctx, "DELETE FROM failures WHERE url = $1", url)
		return err
	})
	if err != nil {
		return err
	}
	db.upserts[r.Outcome].Add(1)
	rep.Rebuilt = append(rep.Rebuilt, id)
	rep.Requeued = slices.DeleteFunc(rep.Requeued, func(u string) bool { return u == url })
	return nil
}

// setAside moves the row b aside with what pointed at it.
func (w *wtx) setAside(b badRow, rep *RepairReport) error {
	n, err := w.moveAside(b)
	if err != nil || n == 0 {
		return err // gone or mended since the scan: nothing to set aside
	}
	rep.Quarantined = append(rep.Quarantined, b.table+" "+b.key)
	switch b.table {
	case "articles":
		if err := w.dropArticleKeys(b.id); err != nil {
			return err
		}
		return w.requeue(b.url, b.channel, "stored record did not decode", rep)
	case "raw_pages":
		return w.dropRawRefs(b.key, rep)
	}
	return nil
}

// stillPointless keeps an index row set aside for pointing to nothing
// from being moved once a crawl has stored what it points to since the
// scan (the scan reads a snapshot; the repair writes the present).
var stillPointless = map[string]string{
	"urls":         "NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.id)",
	"case_numbers": "NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.id)",
	"media_urls":   "NOT EXISTS (SELECT 1 FROM media m WHERE m.sha = t.sha)",
}

// moveAside moves the row to the quarantine table, in one statement, and
// says whether it was there to move.
func (w *wtx) moveAside(b badRow) (int64, error) {
	key, ok := quarantineKeys[b.table]
	if !ok {
		return 0, fmt.Errorf("no rows of %s are set aside", b.table)
	}
	var id *string
	if b.id != "" {
		id = &b.id
	}
	tag, err := w.Exec(w.ctx, `WITH moved AS (DELETE FROM `+b.table+` t WHERE (`+key+`) = $2 AND `+cmp.Or(stillPointless[b.table], "true")+` RETURNING t.*)
		INSERT INTO quarantine (tbl, row_key, id, why, at, row) SELECT $1, $2, $3, $4, $5, to_jsonb(moved) FROM moved`,
		b.table, b.key, id, b.why, w.now)
	return tag.RowsAffected(), err
}

// dropArticleKeys removes what points at the article id: its URLs, case
// numbers, gone sighting and repair mark.
func (w *wtx) dropArticleKeys(id string) error {
	for _, t := range []string{"urls", "case_numbers", "gone", "repairs"} {
		if _, err := w.Exec(w.ctx, "DELETE FROM "+t+" WHERE id = $1", id); err != nil {
			return err
		}
	}
	return nil
}

// dropRawRefs clears the references to the raw page key; an article whose
// current page it was is due for a fetch.
func (w *wtx) dropRawRefs(key string, rep *RepairReport) error {
	rows, err := w.Query(w.ctx, "UPDATE articles SET raw_key = NULL WHERE raw_key::text = $1 RETURNING url, channel_path", key)
	if err != nil {
		return err
	}
	var urls, channels []string
	for rows.Next() {
		var u, c string
		if err := rows.Scan(&u, &c); err != nil {
			rows.Close()
			return err
		}
		urls, channels = append(urls, u), append(channels, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := w.Exec(w.ctx, "UPDATE versions SET raw_key = NULL WHERE raw_key::text = $1", key); err != nil {
		return err
	}
	for i, u := range urls {
		if err := w.requeue(u, channels[i], "stored page did not decode", rep); err != nil {
			return err
		}
	}
	return nil
}

// requeue makes url due now in the failure log.
func (w *wtx) requeue(url, channel, why string, rep *RepairReport) error {
	if url == "" {
		return nil
	}
	f := sppcrawl.Failure{URL: url, Channel: channel, LastError: why, LastTry: w.now, NextRetry: w.now}
	err := putDoc(w.ctx, w, "INSERT INTO failures (url, doc) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET doc = EXCLUDED.doc", url, f)
	if err == nil {
		rep.Requeued = append(rep.Requeued, url)
	}
	return err
}

// Quarantined is the number of rows set aside because they did not
// decode (verify --repair).
func (db *DB) Quarantined(ctx context.Context) (int, error) {
	return db.countOf(ctx, "SELECT count(*) FROM quarantine")
}
