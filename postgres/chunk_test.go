package postgres_test

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
	"sppcrawl/postgres"
)

var _ sppcrawl.ChunkReader = (*postgres.DB)(nil)

// TestDB_EachChunk_WrittenBefore: rows written before chunks were kept
// (migration 2) are compressed when read: the same bytes inflated.
func TestDB_EachChunk_WrittenBefore(t *testing.T) {
	ctx := context.Background()
	db, dsn := openDSN(t)
	for n := 1; n <= 3; n++ {
		if _, err := db.Upsert(ctx, testArticle(n, fmt.Sprint("正文", n)), nil); err != nil {
			t.Fatal(err)
		}
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "UPDATE articles SET chunk = NULL, chunk_crc = NULL, chunk_len = NULL WHERE id <> 'spp-2'"); err != nil {
		t.Fatal(err)
	}
	want, _, err := db.SinceJSON(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	_, err = db.EachChunk(ctx, 0, 10, func(ch sppcrawl.Chunk) error {
		b, err := io.ReadAll(flate.NewReader(io.MultiReader(bytes.NewReader(ch.Deflate), bytes.NewReader([]byte{1, 0, 0, 0xff, 0xff}))))
		if err != nil || i >= len(want) || !bytes.Equal(b, want[i]) || ch.Len != uint32(len(b)) {
			t.Errorf("chunk %d: %q, %v; want %q", i, b, err, want[min(i, len(want)-1)])
		}
		i++
		return nil
	})
	if err != nil || i != 3 {
		t.Errorf("%d chunks, %v; want 3", i, err)
	}
}
