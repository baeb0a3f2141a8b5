package sppcrawl

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
)

// Chunk is an article's JSON as a stand-alone DEFLATE chunk (no
// back-reference out of it, ending byte-aligned), with what a gzip trailer
// needs: chunks laid end to end between a gzip header and trailer are a
// valid gzip member, so an answer in gzip is spliced from them without
// compressing anything per request (see ChunkReader).
type Chunk struct {
	Deflate []byte
	CRC     uint32 // of the bytes it inflates to
	Len     uint32 // how many bytes it inflates to
	Shift   uint32 // x^(8·Len) modulo the CRC polynomial (see AppendCRC)
}

// AppendCRC is the CRC-32 of what crc covered followed by the chunk's bytes.
func (c Chunk) AppendCRC(crc uint32) uint32 {
	if c.Len == 0 {
		return crc
	}
	return mulModP(c.Shift, crc) ^ c.CRC
}

// NewChunk compresses b into a stand-alone chunk, for the bytes an answer
// puts between stored articles. Any sync-flushed DEFLATE stream splices
// with any other, so it need not be the compressor a backend stores with.
func NewChunk(b []byte) Chunk {
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.DefaultCompression) // the level is valid
	w.Write(b)                                              // writing to memory does not fail
	w.Flush()                                               // a sync flush: byte-aligned, not final
	return Chunk{Deflate: out.Bytes(), CRC: crc32.ChecksumIEEE(b), Len: uint32(len(b)), Shift: CRCShift(int64(len(b)))}
}

// CRC32Combine is the CRC-32 (IEEE) of A followed by B, from the CRC of A,
// the CRC of B and the length of B: crc(A‖B) = crc(A)·x^(8·len B) ⊕ crc(B)
// in GF(2)[x] modulo the CRC polynomial (the pre- and post-conditioning of
// the CRC cancel out). x^(8·len B) is a product of the precomputed powers
// x^(2^k) picked by the bits of the length: a few dozen word operations per
// combine, where zlib's older matrix method squared a 32×32 bit matrix
// log₂(len) times.
func CRC32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	return mulModP(CRCShift(lenB), crcA) ^ crcB
}

// crcPoly is the reflected IEEE polynomial; in the reflected representation
// bit 31 is x⁰, so 1<<31 is the polynomial 1.
const crcPoly = 0xedb88320

// x2n[k] is x^(2^k) modulo the polynomial.
var x2n = func() (t [32]uint32) {
	p := uint32(1) << 30 // x¹
	for k := range t {
		t[k] = p
		p = mulModP(p, p)
	}
	return t
}()

// mulModP is a·b modulo the polynomial (both reflected): for each bit of a,
// from x⁰ (bit 31) up, add b·xⁱ, then step b by x. Branchless: the bits of
// a CRC are random, and a mispredicted branch a bit costs ten times more.
func mulModP(a, b uint32) uint32 {
	var prod uint32
	for range 32 {
		prod ^= b & -(a >> 31)
		a <<= 1
		b = b>>1 ^ crcPoly&-(b&1)
	}
	return prod
}

// CRCShift is x^(8·n) modulo the CRC polynomial: the shift of n bytes, what
// a chunk's Shift holds.
func CRCShift(n int64) uint32 {
	p := uint32(1) << 31 // x⁰
	for k := 3; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			p = mulModP(x2n[k&31], p)
		}
	}
	return p
}
