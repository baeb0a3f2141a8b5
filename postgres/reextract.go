package postgres

import (
	"context"
	"fmt"
	"time"

	"sppcrawl"
)

// Reextract rebuilds every article from its stored raw page with parse (the
// extractor, which the archive does not know) and stores those whose
// content changed through the crawl's upsert, by the loop both backends
// share (sppcrawl.Reextract): an unchanged article costs no write at all;
// a page that no longer parses is told to failed; one found cut short is
// made due for a fetch by the next crawl, which replaces it.
func (db *DB) Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
	failed func(id string, err error), progress func(done, total int)) (res sppcrawl.ReextractResult, err error) {
	defer func(start time.Time) { res.Took = time.Since(start) }(time.Now())
	steps := sppcrawl.ReextractSteps{IDs: db.rawIDs, Raw: db.Raw, Predict: db.Predict,
		Store: db.storeReextracted, RepairCut: db.repairCut, Kept: db}
	res, err = sppcrawl.Reextract(ctx, steps, parse, failed, progress)
	if err != nil {
		return res, fmt.Errorf("reextract %s: %w", db.name, err)
	}
	return res, nil
}

// rawIDs are the articles with a current raw page, in id order.
func (db *DB) rawIDs(ctx context.Context) ([]string, error) {
	rows, err := db.rd().Query(ctx, "SELECT id FROM articles WHERE raw_key IS NOT NULL ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("articles with a raw page: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("articles with a raw page: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// storeReextracted upserts a batch of changed articles in one transaction,
// without a page (the stored one made both versions), and returns their
// outcomes.
func (db *DB) storeReextracted(ctx context.Context, batch []*sppcrawl.Article) ([]sppcrawl.Outcome, error) {
	var outs []sppcrawl.Outcome
	err := db.write(ctx, func(w *wtx) error {
		outs = outs[:0] // a transaction may run twice
		for _, a := range batch {
			r, err := w.upsert(a, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", a.ID, err)
			}
			outs = append(outs, r.Outcome)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		db.upserts[o].Add(1)
	}
	return outs, nil
}
