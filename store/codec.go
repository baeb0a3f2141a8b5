package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"sppcrawl"

	"github.com/klauspost/compress/flate"
)

// Articles are stored compressed, each as an independent DEFLATE chunk: no
// back-reference reaches out of it and it ends byte-aligned (a sync flush).
// Chunks laid end to end are a valid DEFLATE stream, so the API answers a
// page of articles in gzip by splicing the stored chunks between a gzip
// header and trailer (the CRC-32 combined from the articles' own), without
// compressing anything per request. A stored value is:
//
//	0x02 | CRC-32 of the JSON (4 bytes) | length of the JSON (4) | CRC-32 of the chunk (4) | shift (4) | chunk
//
// The chunk's own CRC proves it intact without inflating it, so a damaged
// record is never spliced into an answer; the shift is x^(8·length of the
// JSON) modulo the CRC polynomial, what combining its CRC after others
// needs, so an answer's CRC costs one multiplication per article. Values of format 0x01 (sppcrawl
// 0.2: no chunk CRC, proven by inflating) and those written by sppcrawl 0.1
// (the JSON itself) stay readable.

const (
	chunkFormat1 = 0x01
	chunkFormat  = 0x02
)

// ErrUndecodable: a stored record does not decode (damaged bytes). Readers
// skip it and say so (see Skipped); verify --repair quarantines it. It is
// the root package's, which every backend returns.
var ErrUndecodable = sppcrawl.ErrUndecodable

func undecodable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUndecodable, fmt.Sprintf(format, args...))
}

// headerLen is the length of a value's header before its chunk.
func headerLen(format byte) int {
	if format == chunkFormat1 {
		return 9
	}
	return 17
}

// chunkLevel trades the crawl's CPU for the archive's size: at 5 the
// compression costs a few tens of µs per article, a small part of its
// extraction.
const chunkLevel = 5

// chunkWriters keeps the few DEFLATE writers in use (the store's writer
// and the odd answer), each ~600 KB to make. A sync.Pool lost them at every
// other collection, and a crawl, collecting often under its memory limit,
// made one again per collection: 5 % of its allocations.
var chunkWriters = make(chan *flate.Writer, 4)

func getChunkWriter() *flate.Writer {
	select {
	case w := <-chunkWriters:
		return w
	default:
		w, _ := flate.NewWriter(io.Discard, chunkLevel)
		return w
	}
}

func putChunkWriter(w *flate.Writer) {
	select {
	case chunkWriters <- w:
	default: // more in use at once than kept: let it go
	}
}

// encodeChunk compresses JSON into a stored article value.
func encodeChunk(j []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(17 + len(j)/3)
	b.WriteByte(chunkFormat)
	b.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(j)))
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(j))))
	b.Write([]byte{0, 0, 0, 0}) // the chunk's CRC, once it is written
	b.Write(binary.BigEndian.AppendUint32(nil, xPow8n(int64(len(j)))))
	w := getChunkWriter()
	defer putChunkWriter(w)
	w.Reset(&b)
	if _, err := w.Write(j); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil { // a sync flush: byte-aligned, not final
		return nil, err
	}
	v := b.Bytes()
	binary.BigEndian.PutUint32(v[9:13], crc32.ChecksumIEEE(v[17:]))
	return v, nil
}

// Chunk is an article as a DEFLATE chunk, with what a gzip trailer needs
// (the root package's: readers splice it without knowing the store).
type Chunk = sppcrawl.Chunk

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
	c, err := chunkIn(v)
	c.Deflate = bytes.Clone(c.Deflate)
	return c, err
}

// chunkIn is chunkOf with the chunk's bytes those of v (the transaction's
// memory for a stored value: valid only as long as it lasts).
func chunkIn(v []byte) (Chunk, error) {
	switch {
	case len(v) == 0:
		return Chunk{}, undecodable("empty article record")
	case v[0] == chunkFormat1:
		// No CRC of the chunk: proven by inflating it.
		if _, err := articleJSON(v); err != nil {
			return Chunk{}, err
		}
		n := binary.BigEndian.Uint32(v[5:9])
		return Chunk{Deflate: v[9:], CRC: binary.BigEndian.Uint32(v[1:5]), Len: n, Shift: xPow8n(int64(n))}, nil
	case v[0] != chunkFormat:
		if !json.Valid(v) {
			return Chunk{}, undecodable("article record of sppcrawl 0.1 is not JSON")
		}
		c, err := encodeChunk(v)
		if err != nil {
			return Chunk{}, err
		}
		v = c
	case len(v) < 17:
		return Chunk{}, undecodable("article record too short")
	case crc32.ChecksumIEEE(v[17:]) != binary.BigEndian.Uint32(v[9:13]):
		return Chunk{}, undecodable("article record: compressed bytes damaged (checksum mismatch)")
	}
	return Chunk{Deflate: v[17:], CRC: binary.BigEndian.Uint32(v[1:5]), Len: binary.BigEndian.Uint32(v[5:9]),
		Shift: binary.BigEndian.Uint32(v[13:17])}, nil
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
// the CRC of B and the length of B (see sppcrawl.CRC32Combine).
func CRC32Combine(crcA, crcB uint32, lenB int64) uint32 {
	return sppcrawl.CRC32Combine(crcA, crcB, lenB)
}

// CRCShift is x^(8·n) modulo the CRC polynomial, for AppendCRC.
func CRCShift(n int) uint32 { return xPow8n(int64(n)) }

// xPow8n is x^(8·n) modulo the polynomial: the shift of n bytes.
func xPow8n(n int64) uint32 { return sppcrawl.CRCShift(n) }
