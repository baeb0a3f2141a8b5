package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// Articles are stored compressed, each as an independent DEFLATE chunk: no
// back-reference reaches out of it and it ends byte-aligned (a sync flush).
// Chunks laid end to end are a valid DEFLATE stream, so the API answers a
// page of articles in gzip by splicing the stored chunks between a gzip
// header and trailer (the CRC-32 combined from the articles' own), without
// compressing anything per request. A stored value is:
//
//	0x01 | CRC-32 of the JSON (4 bytes) | length of the JSON (4) | chunk
//
// Values written by sppcrawl 0.1 are the JSON itself and stay readable.

const chunkFormat = 0x01

// chunkLevel trades the crawl's CPU for the archive's size: at 5 the
// compression costs a few tens of µs per article, a small part of its
// extraction.
const chunkLevel = 5

var chunkWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, chunkLevel)
	return w
}}

// encodeChunk compresses JSON into a stored article value.
func encodeChunk(j []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(9 + len(j)/3)
	b.WriteByte(chunkFormat)
	b.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(j)))
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(j))))
	w := chunkWriters.Get().(*flate.Writer)
	defer chunkWriters.Put(w)
	w.Reset(&b)
	if _, err := w.Write(j); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil { // a sync flush: byte-aligned, not final
		return nil, err
	}
	return b.Bytes(), nil
}

// Chunk is an article as a DEFLATE chunk, with what a gzip trailer needs.
type Chunk struct {
	Deflate []byte
	CRC     uint32
	Len     uint32
}

// NewChunk compresses b into a stand-alone chunk, for the bytes an answer
// puts between stored articles.
func NewChunk(b []byte) Chunk {
	v, err := encodeChunk(b)
	if err != nil {
		panic(err) // writing to memory does not fail
	}
	c, _ := chunkOf(v)
	return c
}

// chunkOf reads a stored article value as a chunk (compressing a value of
// sppcrawl 0.1 on the fly). The chunk's bytes are copied.
func chunkOf(v []byte) (Chunk, error) {
	if len(v) > 0 && v[0] != chunkFormat {
		c, err := encodeChunk(v)
		if err != nil {
			return Chunk{}, err
		}
		v = c
	}
	if len(v) < 9 {
		return Chunk{}, fmt.Errorf("stored article too short")
	}
	return Chunk{Deflate: bytes.Clone(v[9:]), CRC: binary.BigEndian.Uint32(v[1:5]), Len: binary.BigEndian.Uint32(v[5:9])}, nil
}

var chunkReaders sync.Pool

// articleJSON returns the JSON of a stored article value, in fresh memory.
func articleJSON(v []byte) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if v[0] != chunkFormat {
		return bytes.Clone(v), nil
	}
	if len(v) < 9 {
		return nil, fmt.Errorf("stored article too short")
	}
	n := binary.BigEndian.Uint32(v[5:9])
	src := bytes.NewReader(v[9:])
	var r io.ReadCloser
	if p, ok := chunkReaders.Get().(io.ReadCloser); ok {
		p.(flate.Resetter).Reset(src, nil)
		r = p
	} else {
		r = flate.NewReader(src)
	}
	defer chunkReaders.Put(r)
	out := make([]byte, n)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("stored article: %w", err)
	}
	if crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(v[1:5]) {
		return nil, fmt.Errorf("stored article: checksum mismatch")
	}
	return out, nil
}

// CRC32Combine is the CRC-32 (IEEE) of A followed by B, from the CRC of A,
// the CRC of B and the length of B (zlib's crc32_combine).
func CRC32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the reflected IEEE polynomial
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(even[:], odd[:]) // two zero bits
	gf2Square(odd[:], even[:]) // four zero bits
	for {
		gf2Square(even[:], odd[:])
		if lenB&1 != 0 {
			crcA = gf2Times(even[:], crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(odd[:], even[:])
		if lenB&1 != 0 {
			crcA = gf2Times(odd[:], crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat []uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat []uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
