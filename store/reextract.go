package store

import (
	"context"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// ReextractResult counts what Reextract did (the root's, one for every
// backend).
type ReextractResult = sppcrawl.ReextractResult

// Reextract rebuilds every article from its stored raw page with parse (the
// extractor, which the store does not know) and stores those whose content
// changed, as Updated versions, through the loop both backends share
// (sppcrawl.Reextract): unchanged articles cost no write at all; a page
// found cut short is marked to be fetched again by the next crawl (see
// Verify). Then the pages of no known template a crawl kept are read
// again. progress is told how far it has come.
func (db *DB) Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
	failed func(id string, err error), progress func(done, total int)) (res ReextractResult, err error) {
	defer func(start time.Time) { res.Took = time.Since(start) }(time.Now())
	if db.readOnly {
		return res, ErrReadOnly
	}
	steps := sppcrawl.ReextractSteps{IDs: db.rawIDs, Raw: db.Raw, Predict: db.Predict,
		Store: db.storeReextracted, RepairCut: db.repairCut, Kept: db}
	return sppcrawl.Reextract(ctx, steps, parse, failed, progress)
}

// storeReextracted commits a batch of changed articles in one write and
// returns their outcomes.
func (db *DB) storeReextracted(ctx context.Context, batch []*sppcrawl.Article) ([]sppcrawl.Outcome, error) {
	now := db.now()
	var outs []sppcrawl.Outcome
	err := db.write(ctx, func(tx *bolt.Tx) error {
		outs = outs[:0] // a write may run twice
		for _, a := range batch {
			r, err := upsertTx(tx, db.layoutOf(a.URL), a, nil, now)
			if err != nil {
				return fmt.Errorf("reextract %s: %w", a.ID, err)
			}
			outs = append(outs, r.Outcome)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		db.counts.upserts[o].Add(1)
	}
	return outs, nil
}
