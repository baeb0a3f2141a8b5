package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"sppcrawl"
)

// DueRechecks lists the n articles checked longest ago, with the
// validators of their page when it was read at their canonical URL.
func (db *DB) DueRechecks(ctx context.Context, n int) ([]sppcrawl.Recheck, error) {
	return db.dueRechecks(ctx, n, "")
}

// dueRechecks is DueRechecks of the articles of host ("": all).
func (db *DB) dueRechecks(ctx context.Context, n int, host string) ([]sppcrawl.Recheck, error) {
	rows, err := db.rd().Query(ctx, `SELECT a.id, a.url, a.channel_path, a.checked, r.header
		FROM articles a LEFT JOIN raw_pages r ON r.key = a.raw_key
		WHERE $2 = '' OR lower(split_part(a.url, '/', 3)) = $2 ORDER BY a.checked, a.id LIMIT $1`, n, host)
	if err != nil {
		return nil, fmt.Errorf("due rechecks: %w", err)
	}
	defer rows.Close()
	var out []sppcrawl.Recheck
	for rows.Next() {
		var rc sppcrawl.Recheck
		var checked int64
		var hdr *string
		if err := rows.Scan(&rc.ID, &rc.URL, &rc.Channel, &checked, &hdr); err != nil {
			return nil, fmt.Errorf("due rechecks: %w", err)
		}
		rc.LastChecked = time.Unix(0, checked)
		var p sppcrawl.RawPage
		if hdr != nil && json.Unmarshal([]byte(*hdr), &p) == nil && p.URL == rc.URL {
			rc.ETag, rc.LastModified = p.ETag, p.LastModified
		}
		out = append(out, rc)
	}
	return out, rows.Err()
}

// byURL is the article stored under url, in w.
func (w *wtx) byURL(url string) (*sppcrawl.Article, error) {
	var doc string
	err := w.QueryRow(w.ctx, "SELECT a.doc FROM urls u JOIN articles a USING (id) WHERE u.url = $1", url).Scan(&doc)
	switch {
	case noRows(err):
		return nil, notFound("article at %s", url)
	case err != nil:
		return nil, err
	}
	return decodeArticle(doc)
}

// RecordChecked records that the site confirmed the stored version of
// url; a withdrawn article answering again is restored.
func (db *DB) RecordChecked(ctx context.Context, url string) (sppcrawl.UpsertResult, error) {
	var res sppcrawl.UpsertResult
	err := db.write(ctx, func(w *wtx) error {
		a, err := w.byURL(url)
		if err != nil {
			return err
		}
		res = result(sppcrawl.Unchanged, a)
		if err := w.fetchedFine(a.ID); err != nil || a.WithdrawnAt.IsZero() {
			return err
		}
		a.WithdrawnAt = time.Time{}
		if err := w.reseq(a, sppcrawl.EventRestored); err != nil {
			return err
		}
		res = result(sppcrawl.Restored, a)
		return nil
	})
	return res, wrap("record checked "+url, err)
}

// goneMark is the first sighting of an article's URL answering gone.
type goneMark struct {
	At     time.Time `json:"at"`
	Run    time.Time `json:"run"` // the start of the run that saw it
	Reason string    `json:"reason"`
}

// RecordGone records that url answered gone in the run started at run;
// a sighting in a second run withdraws the article (a new seq).
func (db *DB) RecordGone(ctx context.Context, url string, run time.Time, reason string) (withdrawn bool, err error) {
	err = db.write(ctx, func(w *wtx) error {
		withdrawn = false
		a, err := w.byURL(url)
		if err != nil {
			return err
		}
		if err := w.setChecked(a.ID); err != nil || !a.WithdrawnAt.IsZero() {
			return err
		}
		var m goneMark
		if _, err := getDoc(w.ctx, w, &m, "SELECT doc FROM gone WHERE id = $1", a.ID); err != nil {
			return fmt.Errorf("gone mark of %s: %w", a.ID, err)
		}
		if m.At.IsZero() || m.Run.Equal(run) {
			if m.At.IsZero() {
				m = goneMark{At: w.now, Run: run, Reason: reason}
			}
			return putDoc(w.ctx, w, "INSERT INTO gone (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc", a.ID, m)
		}
		a.WithdrawnAt, withdrawn = w.now, true
		if _, err := w.Exec(w.ctx, "DELETE FROM gone WHERE id = $1", a.ID); err != nil {
			return err
		}
		return w.reseq(a, sppcrawl.EventWithdrawn)
	})
	return withdrawn, wrap("record gone "+url, err)
}
