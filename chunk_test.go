package sppcrawl_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"

	"sppcrawl"
)

// Chunks of NewChunk spliced into one gzip member, their CRC appended with
// AppendCRC (as publish splices answers) and checked against CRC32Combine,
// read back with compress/gzip as the bytes of every chunk in order.
func TestChunk_Splice(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 50 {
		var want, gz []byte
		gz = append(gz, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff)
		var crc, combined, total uint32
		for i := range 1 + r.IntN(10) {
			b := make([]byte, []int{0, 1, r.IntN(100), r.IntN(20000)}[r.IntN(4)])
			for j := range b {
				b[j] = "检察院abc{}\",:\n "[r.IntN(18)]
			}
			want = append(want, b...)
			c := sppcrawl.NewChunk(b)
			gz = append(gz, c.Deflate...)
			if i == 0 {
				crc, combined = c.CRC, c.CRC
			} else {
				crc = c.AppendCRC(crc)
				combined = sppcrawl.CRC32Combine(combined, c.CRC, int64(c.Len))
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
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("trial %d: %d bytes: %v (got %d bytes)", trial, len(want), err, len(got))
		}
		if wantCRC := crc32.ChecksumIEEE(want); crc != wantCRC || combined != wantCRC {
			t.Fatalf("trial %d: AppendCRC %08x, CRC32Combine %08x, want %08x", trial, crc, combined, wantCRC)
		}
	}
}
