package publish

import (
	"context"
	"fmt"

	"sppcrawl"
)

// chunks is the archive's articles as DEFLATE chunks: the backend's own
// when it keeps them (sppcrawl.ChunkReader, bbolt), else compressed here
// from their JSON, so a backend without them answers the same bytes once
// inflated, at the cost of compressing per request.
type chunks struct {
	db     Reader
	stored sppcrawl.ChunkReader // nil: the backend keeps none
}

func newChunks(db Reader) chunks {
	c := chunks{db: db}
	c.stored, _ = db.(sppcrawl.ChunkReader)
	return c
}

// each calls fn with up to limit articles after after, in seq order; it
// returns the seq to resume from.
func (c chunks) each(ctx context.Context, after uint64, limit int, fn func(sppcrawl.Chunk) error) (uint64, error) {
	if c.stored != nil {
		return c.stored.EachChunk(ctx, after, limit, fn)
	}
	items, next, err := c.db.SinceJSON(ctx, after, limit)
	for _, it := range items {
		if ferr := fn(sppcrawl.NewChunk(it)); ferr != nil {
			return next, ferr
		}
	}
	return next, err
}

// get is the article id as a chunk, with its seq.
func (c chunks) get(ctx context.Context, id string) (uint64, sppcrawl.Chunk, error) {
	if c.stored != nil {
		return c.stored.GetChunk(ctx, id)
	}
	st, err := c.db.Get(ctx, id)
	if err != nil {
		return 0, sppcrawl.Chunk{}, err
	}
	b, err := c.db.GetJSON(ctx, id)
	if err != nil {
		return 0, sppcrawl.Chunk{}, fmt.Errorf("article %s: %w", id, err)
	}
	return st.Seq, sppcrawl.NewChunk(b), nil
}
