package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// ReextractResult counts what Reextract did (the root's, one for every
// backend).
type ReextractResult = sppcrawl.ReextractResult

// reextractBatch is how many changed articles share one commit.
const reextractBatch = 256

// Reextract rebuilds every article from its stored raw page with parse (the
// extractor, which the store does not know) and stores those whose content
// changed, as Updated versions. Unchanged articles cost no write at all: the
// site was not asked, so not even their check time moves. Changed ones are
// committed in batches. failed is told of each page that no longer parses;
// one found cut short is marked to be fetched again by the next crawl (see
// Verify). progress is told how far it has come.
func (db *DB) Reextract(ctx context.Context, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
	failed func(id string, err error), progress func(done, total int)) (res ReextractResult, err error) {
	defer func(start time.Time) { res.Took = time.Since(start) }(time.Now())
	if db.readOnly {
		return res, ErrReadOnly
	}
	ids, err := db.rawIDs(ctx)
	if err != nil {
		return res, err
	}
	res.RawPages = len(ids)
	var batch []*sppcrawl.Article
	last := time.Now()
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if progress != nil && time.Since(last) > 10*time.Second {
			progress(i, len(ids))
			last = time.Now()
		}
		a, err := db.reextractOne(ctx, id, parse, failed, &res)
		if err != nil {
			return res, err
		}
		if a == nil {
			continue
		}
		if batch = append(batch, a); len(batch) == reextractBatch {
			if err := db.storeReextracted(ctx, batch, &res); err != nil {
				return res, err
			}
			batch = batch[:0]
		}
	}
	if err := db.storeReextracted(ctx, batch, &res); err != nil {
		return res, err
	}
	return res, db.reextractUnparsed(ctx, parse, &res)
}

// reextractOne parses the raw page of id again and returns the article when
// its content changed, nil when it did not or the page no longer parses
// (counted in res, told to failed; a page found cut short is marked to be
// fetched again). The error is the archive's.
func (db *DB) reextractOne(ctx context.Context, id string, parse func(*sppcrawl.RawPage) (*sppcrawl.Article, error),
	failed func(id string, err error), res *ReextractResult) (*sppcrawl.Article, error) {
	raw, err := db.Raw(ctx, id)
	var a *sppcrawl.Article
	if err == nil {
		a, err = parse(raw)
	}
	if err != nil {
		res.Failed++
		failed(id, err)
		if errors.Is(err, sppcrawl.ErrIncomplete) {
			return nil, db.repairCut(ctx, id, err)
		}
		return nil, nil
	}
	a.FetchedAt = raw.FetchedAt
	switch o, err := db.Predict(ctx, a); {
	case err != nil:
		return nil, err
	case o == sppcrawl.Unchanged:
		res.Unchanged++
		return nil, nil
	}
	return a, nil
}

// storeReextracted commits a batch of changed articles in one write and
// counts their outcomes in res.
func (db *DB) storeReextracted(ctx context.Context, batch []*sppcrawl.Article, res *ReextractResult) error {
	if len(batch) == 0 {
		return nil
	}
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
		return err
	}
	for _, o := range outs {
		db.counts.upserts[o].Add(1)
		switch o {
		case sppcrawl.Updated:
			res.Changed++
		case sppcrawl.Aliased:
			res.Aliased++
		default:
			res.Unchanged++
		}
	}
	return nil
}
