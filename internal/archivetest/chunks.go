package archivetest

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"testing"

	"sppcrawl"
)

// testChunks: a backend that keeps its articles as DEFLATE chunks
// (sppcrawl.ChunkReader, optional) hands out, page by page and by id, the
// bytes SinceJSON and GetJSON give, with their CRC and length, and resumes
// where SinceJSON does.
func testChunks(t *testing.T, db sppcrawl.Archive) {
	cr, ok := db.(sppcrawl.ChunkReader)
	if !ok {
		t.Skip("the backend keeps no chunks")
	}
	ctx := context.Background()
	fillLog(t, db)
	for after := uint64(0); ; {
		want, wantNext, err := db.SinceJSON(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]byte
		next, err := cr.EachChunk(ctx, after, 2, func(c sppcrawl.Chunk) error {
			got = append(got, inflated(t, c))
			return nil
		})
		if err != nil || next != wantNext || !slices.EqualFunc(got, want, bytes.Equal) {
			t.Fatalf("chunks after %d: %q next %d (%v); SinceJSON %q next %d", after, got, next, err, want, wantNext)
		}
		if len(want) == 0 {
			break
		}
		after = next
	}
	seq, c, err := cr.GetChunk(ctx, "spp-2")
	want, _ := db.GetJSON(ctx, "spp-2")
	if err != nil || seq != 6 || !bytes.Equal(inflated(t, c), want) {
		t.Errorf("GetChunk(spp-2): seq %d, %v; want seq 6 and its JSON", seq, err)
	}
	if _, _, err := cr.GetChunk(ctx, "spp-404"); !errors.Is(err, sppcrawl.ErrNotFound) {
		t.Errorf("GetChunk(spp-404): %v, want ErrNotFound", err)
	}
}

// inflated is what a chunk inflates to, checked against its CRC and length.
func inflated(t *testing.T, c sppcrawl.Chunk) []byte {
	t.Helper()
	b, err := io.ReadAll(flate.NewReader(io.MultiReader(bytes.NewReader(c.Deflate), bytes.NewReader([]byte{1, 0, 0, 0xff, 0xff}))))
	if err != nil {
		t.Fatalf("inflate a chunk: %v", err)
	}
	if crc32.ChecksumIEEE(b) != c.CRC || uint32(len(b)) != c.Len || c.Shift != sppcrawl.CRCShift(int64(len(b))) {
		t.Errorf("chunk of %d bytes says CRC %08x length %d", len(b), c.CRC, c.Len)
	}
	return b
}
