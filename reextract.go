package sppcrawl

import (
	"context"
	"errors"
	"time"
)

// ReextractSteps are what a backend gives the one reextract loop
// (Reextract): its reads and its batch write. Both backends run the same
// loop, so they decide and count alike.
type ReextractSteps struct {
	// IDs are the articles with a current raw page, in id order.
	IDs func(ctx context.Context) ([]string, error)
	// Raw is the current raw page of id.
	Raw func(ctx context.Context, id string) (*RawPage, error)
	// Predict says what an upsert would do, changing nothing.
	Predict func(ctx context.Context, a *Article) (Outcome, error)
	// Store upserts a batch as a crawl does, without a page (the stored
	// one made both versions), in one commit, and gives their outcomes.
	Store func(ctx context.Context, batch []*Article) ([]Outcome, error)
	// RepairCut makes the article id, whose page was found cut, due for a
	// fetch by the next crawl, which replaces its page.
	RepairCut func(ctx context.Context, id string, why error) error
	// Kept are the pages of no known template a crawl kept (nil: none),
	// read again after the articles.
	Kept UnparsedStore
}

// UnparsedStore is an UnparsedKeeper that hands back what it keeps, and
// stores an article from a kept page as a crawl would.
type UnparsedStore interface {
	UnparsedReader
	Upsert(ctx context.Context, a *Article, raw *RawPage) (UpsertResult, error)
	ClearFailure(ctx context.Context, url string) error
}

// reextractBatch is how many changed articles share one commit.
const reextractBatch = 256

// Reextract rebuilds every article from its stored raw page with parse
// (the extractor, which the archive does not know) and stores those whose
// content changed. Unchanged articles cost no write at all: the site was
// not asked, so not even their check time moves. Changed ones are
// committed in batches. failed is told of each page that no longer
// parses; one found cut short (ErrIncomplete) is made due for a fetch.
// progress is told how far it has come. Took is the caller's to set.
func Reextract(ctx context.Context, s ReextractSteps, parse func(*RawPage) (*Article, error),
	failed func(id string, err error), progress func(done, total int)) (ReextractResult, error) {
	var res ReextractResult
	ids, err := s.IDs(ctx)
	if err != nil {
		return res, err
	}
	res.RawPages = len(ids)
	var batch []*Article
	last := time.Now()
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if progress != nil && time.Since(last) > 10*time.Second {
			progress(i, len(ids))
			last = time.Now()
		}
		a, err := reextractOne(ctx, s, id, parse, failed, &res)
		if err != nil {
			return res, err
		}
		if a == nil {
			continue
		}
		if batch = append(batch, a); len(batch) == reextractBatch {
			if err := storeReextracted(ctx, s, batch, &res); err != nil {
				return res, err
			}
			batch = batch[:0]
		}
	}
	if err := storeReextracted(ctx, s, batch, &res); err != nil || s.Kept == nil {
		return res, err
	}
	return res, reextractKept(ctx, s.Kept, parse, &res)
}

// reextractKept stores the article of each kept page the adapters read
// now, with its page (the kept page leaves), its URL's failure cleared;
// one still unread stays kept.
func reextractKept(ctx context.Context, k UnparsedStore, parse func(*RawPage) (*Article, error), res *ReextractResult) error {
	// A page stored as its article leaves the kept ones (so do its
	// aliases'): EachUnparsed passes those gone meanwhile.
	return EachUnparsed(ctx, k, func(raw *RawPage) error {
		a, perr := parse(raw)
		if perr != nil {
			res.Unparsed++
			return nil
		}
		a.FetchedAt = raw.FetchedAt
		if _, err := k.Upsert(ctx, a, raw); err != nil {
			return err
		}
		if err := k.ClearFailure(ctx, raw.URL); err != nil {
			return err
		}
		res.Recovered++
		return nil
	})
}

// reextractOne parses the raw page of id again and returns the article when
// its content changed, nil when it did not or the page no longer parses
// (counted in res, told to failed; a page found cut short is made due for
// a fetch). The error is the archive's.
func reextractOne(ctx context.Context, s ReextractSteps, id string, parse func(*RawPage) (*Article, error),
	failed func(id string, err error), res *ReextractResult) (*Article, error) {
	raw, err := s.Raw(ctx, id)
	var a *Article
	if err == nil {
		a, err = parse(raw)
	}
	if err != nil {
		res.Failed++
		failed(id, err)
		if errors.Is(err, ErrIncomplete) {
			return nil, s.RepairCut(ctx, id, err)
		}
		return nil, nil
	}
	a.FetchedAt = raw.FetchedAt
	switch o, err := s.Predict(ctx, a); {
	case err != nil:
		return nil, err
	case o == Unchanged:
		res.Unchanged++
		return nil, nil
	}
	return a, nil
}

// storeReextracted commits a batch of changed articles and counts their
// outcomes in res.
func storeReextracted(ctx context.Context, s ReextractSteps, batch []*Article, res *ReextractResult) error {
	if len(batch) == 0 {
		return nil
	}
	outs, err := s.Store(ctx, batch)
	if err != nil {
		return err
	}
	for _, o := range outs {
		switch o {
		case Updated:
			res.Changed++
		case Aliased:
			res.Aliased++
		default:
			res.Unchanged++
		}
	}
	return nil
}
