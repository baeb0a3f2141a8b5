package postgres

import (
	"context"
	"fmt"

	"sppcrawl"
)

// The articles as DEFLATE chunks (sppcrawl.ChunkReader): each row keeps its
// JSON compressed beside it (chunk, written by putArticle), so a page of
// 100 articles in gzip is 100 stored chunks spliced, not 100 compressions.

// chunkCols are the columns a chunk is read from: the stored chunk, or the
// JSON of a row written before chunks were kept.
const chunkCols = "seq, chunk, chunk_crc, chunk_len, CASE WHEN chunk IS NULL THEN doc END"

// chunkRow is a row read by chunkCols.
type chunkRow struct {
	seq int64
	def []byte
	crc *int64
	n   *int32
	doc *string
}

func (r *chunkRow) dest() []any { return []any{&r.seq, &r.def, &r.crc, &r.n, &r.doc} }

// chunk is the row's chunk: as stored, or compressed now from its JSON.
func (r *chunkRow) chunk() sppcrawl.Chunk {
	if r.def == nil || r.crc == nil || r.n == nil {
		var doc string
		if r.doc != nil {
			doc = *r.doc
		}
		return sppcrawl.NewChunk([]byte(doc))
	}
	return sppcrawl.Chunk{Deflate: r.def, CRC: uint32(*r.crc), Len: uint32(*r.n), Shift: sppcrawl.CRCShift(int64(*r.n))}
}

// EachChunk calls fn with up to limit articles after after, in seq order,
// as chunks; it returns the seq to resume from, as SinceJSON does.
func (db *DB) EachChunk(ctx context.Context, after uint64, limit int, fn func(sppcrawl.Chunk) error) (uint64, error) {
	rows, err := db.rd().Query(ctx, "SELECT "+chunkCols+" FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2", int64(after), limit)
	if err != nil {
		return after, fmt.Errorf("chunks after %d: %w", after, err)
	}
	defer rows.Close()
	last := after
	for rows.Next() {
		var r chunkRow
		if err := rows.Scan(r.dest()...); err != nil {
			return last, fmt.Errorf("chunks after %d: %w", after, err)
		}
		if err := fn(r.chunk()); err != nil {
			return last, err
		}
		last = uint64(r.seq)
	}
	if err := rows.Err(); err != nil {
		return last, fmt.Errorf("chunks after %d: %w", after, err)
	}
	if top, err := db.LastSeq(ctx); err == nil && last > top {
		last = top
	}
	return last, nil
}

// GetChunk is the article id as a chunk, with its seq.
func (db *DB) GetChunk(ctx context.Context, id string) (uint64, sppcrawl.Chunk, error) {
	var r chunkRow
	err := db.rd().QueryRow(ctx, "SELECT "+chunkCols+" FROM articles WHERE id = $1", id).Scan(r.dest()...)
	switch {
	case noRows(err):
		return 0, sppcrawl.Chunk{}, notFound("article %s", id)
	case err != nil:
		return 0, sppcrawl.Chunk{}, fmt.Errorf("article %s: %w", id, err)
	}
	return uint64(r.seq), r.chunk(), nil
}

// chunkOf is what putArticle stores beside an article's JSON.
func chunkOf(doc string) (def []byte, crc int64, n int32) {
	c := sppcrawl.NewChunk([]byte(doc))
	return c.Deflate, int64(c.CRC), int32(c.Len)
}
