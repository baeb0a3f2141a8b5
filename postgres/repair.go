package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// An article whose stored page is cut short (stored by a release that
// could not tell, or found so by reextract) or does not decode is marked
// for a repair: a row of repairs, and its URL due now in the failure log.
// The next crawl fetches it, and its upsert stores the page it gets even
// when the article is unchanged (repaired).

// markRepair marks the article id, at url in channel, for a repair.
func (db *DB) markRepair(ctx context.Context, id, url, channel, why string) error {
	now := db.now()
	f := sppcrawl.Failure{URL: url, Channel: channel, LastError: why, LastTry: now, NextRetry: now}
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO repairs (id, why) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET why = EXCLUDED.why`, id, why); err != nil {
			return err
		}
		return putDoc(ctx, tx, "INSERT INTO failures (url, doc) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET doc = EXCLUDED.doc", url, f)
	})
	return wrap("mark "+id+" for a fetch", err)
}

// repairCut marks the page of id, found cut by Reextract, for a repair.
func (db *DB) repairCut(ctx context.Context, id string, why error) error {
	var url, channel string
	err := db.rd().QueryRow(ctx, "SELECT url, channel_path FROM articles WHERE id = $1", id).Scan(&url, &channel)
	switch {
	case noRows(err):
		return nil
	case err != nil:
		return fmt.Errorf("article %s: %w", id, err)
	}
	return db.markRepair(ctx, id, url, channel, "stored page is cut: "+why.Error())
}

// repaired stores raw as the page of id, an unchanged article, when id is
// marked for a repair (putRaw clears the mark); otherwise the stored page
// stays, as a crawl that finds nothing new writes none.
func (w *wtx) repaired(id string, raw *sppcrawl.RawPage) error {
	if raw == nil {
		return nil
	}
	var marked bool
	if err := w.QueryRow(w.ctx, "SELECT EXISTS (SELECT 1 FROM repairs WHERE id = $1)", id).Scan(&marked); err != nil {
		return fmt.Errorf("repair of %s: %w", id, err)
	}
	if !marked {
		return nil
	}
	return w.putRaw(id, raw)
}
