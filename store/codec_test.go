package store_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	"sppcrawl/store"
)

func TestCRC32Combine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		a := make([]byte, r.IntN(5000))
		b := make([]byte, r.IntN(5000))
		for i := range a {
			a[i] = byte(r.Uint32())
		}
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		got := store.CRC32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b)))
		if want := crc32.ChecksumIEEE(append(append([]byte{}, a...), b...)); got != want {
			t.Fatalf("combine of %d+%d bytes: %08x, want %08x", len(a), len(b), got, want)
		}
	}
}

// Chunks spliced into one gzip member, their CRC combined, read back with
// compress/gzip as the bytes of every chunk in order, for random sizes
// (empty and 1-byte chunks among them): the API's gzip answers are made so.
func TestChunkSplice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		var want []byte
		var chunks []store.Chunk
		for range 1 + r.IntN(12) {
			n := []int{0, 1, 2, r.IntN(100), r.IntN(20000)}[r.IntN(5)]
			b := make([]byte, n)
			for i := range b {
				b[i] = "检察院abc{}\\\",:\n "[r.IntN(19)]
			}
			want = append(want, b...)
			chunks = append(chunks, store.NewChunk(b))
		}
		var gz []byte
		gz = append(gz, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff)
		var crc, total uint32
		for i, c := range chunks {
			gz = append(gz, c.Deflate...)
			if i == 0 {
				crc = c.CRC
			} else {
				crc = store.CRC32Combine(crc, c.CRC, int64(c.Len))
			}
			total += c.Len
		}
		gz = append(gz, 0x03, 0x00)
		gz = binary.LittleEndian.AppendUint32(gz, crc)
		gz = binary.LittleEndian.AppendUint32(gz, total)
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, want) || crc != crc32.ChecksumIEEE(want) {
			t.Fatalf("trial %d: %d chunks, %d bytes: %v (got %d bytes)", trial, len(chunks), len(want), err, len(got))
		}
	}
}

func BenchmarkCRC32Combine(b *testing.B) {
	for b.Loop() {
		store.CRC32Combine(0x12345678, 0x9abcdef0, 2345)
	}
}

// An article's DEFLATE writer outlives collections: after two (which empty
// a sync.Pool) compressing one allocates about its output, not a new
// writer of ~600 KB.
func TestChunkWriterKept(t *testing.T) {
	article := bytes.Repeat([]byte(`{"paragraphs":["最高人民检察院依法审查起诉。"]}`), 40)
	store.NewChunk(article)
	runtime.GC()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	store.NewChunk(article)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Errorf("compressing a %d-byte article after two collections allocated %d bytes", len(article), got)
	}
}
