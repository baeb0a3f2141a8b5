package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
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
//	0x02 | CRC-32 of the JSON (4 bytes) | length of the JSON (4) | CRC-32 of the chunk (4) | chunk
//
// The chunk's own CRC proves it intact without inflating it, so a damaged
// record is never spliced into an answer. Values of format 0x01 (sppcrawl
// 0.2: no chunk CRC, proven by inflating) and those written by sppcrawl 0.1
// (the JSON itself) stay readable.

const (
	chunkFormat1 = 0x01
	chunkFormat  = 0x02
)

// ErrUndecodable: a stored record does not decode (damaged bytes). Readers
// skip it and say so (see Skipped); verify --repair quarantines it.
var ErrUndecodable = errors.New("stored record does not decode")

func undecodable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUndecodable, fmt.Sprintf(format, args...))
}

// headerLen is the length of a value's header before its chunk.
func headerLen(format byte) int {
	if format == chunkFormat1 {
		return 9
	}
	return 13
}

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
	b.Grow(13 + len(j)/3)
	b.WriteByte(chunkFormat)
	b.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(j)))
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(j))))
	b.Write([]byte{0, 0, 0, 0}) // the chunk's CRC, once it is written
	w := chunkWriters.Get().(*flate.Writer)
	defer chunkWriters.Put(w)
	w.Reset(&b)
	if _, err := w.Write(j); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil { // a sync flush: byte-aligned, not final
		return nil, err
	}
	v := b.Bytes()
	binary.BigEndian.PutUint32(v[9:13], crc32.ChecksumIEEE(v[13:]))
	return v, nil
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

// chunkOf reads a stored article value as a chunk, proven intact
// (compressing a value of sppcrawl 0.1 on the fly). The chunk's bytes are
// copied.
func chunkOf(v []byte) (Chunk, error) {
	switch {
	case len(v) == 0:
		return Chunk{}, undecodable("empty article record")
	case v[0] == chunkFormat1:
		// No CRC of the chunk: proven by inflating it.
		if _, err := articleJSON(v); err != nil {
			return Chunk{}, err
		}
	case v[0] != chunkFormat:
		if !json.Valid(v) {
			return Chunk{}, undecodable("article record of sppcrawl 0.1 is not JSON")
		}
		c, err := encodeChunk(v)
		if err != nil {
			return Chunk{}, err
		}
		v = c
	case len(v) < 13:
		return Chunk{}, undecodable("article record too short")
	case crc32.ChecksumIEEE(v[13:]) != binary.BigEndian.Uint32(v[9:13]):
		return Chunk{}, undecodable("article record: compressed bytes damaged (checksum mismatch)")
	}
	h := headerLen(v[0])
	return Chunk{Deflate: bytes.Clone(v[h:]), CRC: binary.BigEndian.Uint32(v[1:5]), Len: binary.BigEndian.Uint32(v[5:9])}, nil
}

var chunkReaders sync.Pool

// articleJSON returns the JSON of a stored article value, in fresh memory.
func articleJSON(v []byte) ([]byte, error) {
	switch {
	case v == nil:
		return nil, nil
	case len(v) == 0:
		return nil, undecodable("empty article record")
	case v[0] != chunkFormat && v[0] != chunkFormat1:
		if !json.Valid(v) {
			return nil, undecodable("article record of sppcrawl 0.1 is not JSON")
		}
		return bytes.Clone(v), nil
	case len(v) < headerLen(v[0]):
		return nil, undecodable("article record too short")
	}
	n := binary.BigEndian.Uint32(v[5:9])
	if n > 64<<20 {
		return nil, undecodable("article record claims %d bytes of JSON", n)
	}
	src := bytes.NewReader(v[headerLen(v[0]):])
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
		return nil, undecodable("article record: %v", err)
	}
	if crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(v[1:5]) {
		return nil, undecodable("article record: checksum mismatch")
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
