package store_test

import (
	"hash/crc32"
	"math/rand/v2"
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
