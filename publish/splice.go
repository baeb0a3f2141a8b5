package publish

import (
	"bytes"
	"encoding/binary"
	"sync"

	"sppcrawl"
)

// A page of /api/articles in gzip is spliced from the articles' stored
// DEFLATE chunks (see store/codec.go): a gzip header, the chunks of
// `{"articles":[`, of each article and of the commas between them, of the
// tail with the cursor, an empty final block, then the CRC-32 combined from
// the pieces' own (one multiplication each, with the shift each stored
// chunk carries) and the total length. Nothing but the few bytes of the
// frame is compressed per request, and the chunks are copied once, from the
// archive's pages into a pooled buffer, inside the read transaction: the
// answer costs a copy.

// gzipHeader: magic, deflate, no flags, no time, no extra flags, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty final DEFLATE block (fixed Huffman, end of block).
var finalBlock = []byte{0x03, 0x00}

// piece compresses s into a stand-alone chunk.
func piece(s string) sppcrawl.Chunk { return sppcrawl.NewChunk([]byte(s)) }

// The fixed pieces of spliced answers, compressed when first used: a
// compressor's state is ~700 KB, and every command (a cron run's too)
// would pay for them at start.
var (
	openPiece  = sync.OnceValue(func() sppcrawl.Chunk { return piece(`{"articles":[`) })
	commaPiece = sync.OnceValue(func() sppcrawl.Chunk { return piece(",") })
	newline    = sync.OnceValue(func() sppcrawl.Chunk { return piece("\n") })
)

// gzipMember builds one gzip member from chunks, in a pooled buffer.
type gzipMember struct {
	buf   *bytes.Buffer
	crc   uint32
	total uint32
	n     int // chunks so far
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func newGzipMember() *gzipMember {
	b := buffers.Get().(*bytes.Buffer)
	b.Reset()
	b.Write(gzipHeader)
	return &gzipMember{buf: b}
}

// add appends a chunk (its bytes are copied: they may be the archive's).
func (g *gzipMember) add(c sppcrawl.Chunk) {
	g.buf.Write(c.Deflate)
	if g.n == 0 {
		g.crc = c.CRC
	} else {
		g.crc = c.AppendCRC(g.crc)
	}
	g.total += c.Len
	g.n++
}

// finish ends the member: the final block and the trailer.
func (g *gzipMember) finish() []byte {
	g.buf.Write(finalBlock)
	var t [8]byte
	binary.LittleEndian.PutUint32(t[:4], g.crc)
	binary.LittleEndian.PutUint32(t[4:], g.total)
	g.buf.Write(t[:])
	return g.buf.Bytes()
}

// release gives the buffer back, once the answer is written.
func (g *gzipMember) release() {
	if g.buf.Cap() <= 4<<20 { // a huge page's buffer is not kept
		buffers.Put(g.buf)
	}
}
