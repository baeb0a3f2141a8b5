package publish

import (
	"bytes"
	"encoding/binary"
	"io"
	"strconv"
	"strings"
	"sync"

	"sppcrawl/store"
)

// A page of /api/articles in gzip is spliced from the articles' stored
// DEFLATE chunks (see store/codec.go): a gzip header, the chunks of
// `{"articles":[`, of each article and of the commas between them, of the
// `],"next_since":N}` tail, an empty final block, then the CRC-32 combined
// from the pieces' own and the total length. Nothing but the few bytes of
// the frame is compressed per request: the answer costs a copy.

// gzipHeader: magic, deflate, no flags, no time, no extra flags, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty final DEFLATE block (fixed Huffman, end of block).
var finalBlock = []byte{0x03, 0x00}

// piece compresses s into a stand-alone chunk.
func piece(s string) store.Chunk { return store.NewChunk([]byte(s)) }

var (
	pieces     sync.Once
	openPiece  store.Chunk
	commaPiece store.Chunk
)

// writeGzipPage writes the gzip answer of a page of articles, ending with
// tail (see pageTail).
func writeGzipPage(w io.Writer, chunks []store.Chunk, tail string) error {
	pieces.Do(func() {
		openPiece, commaPiece = piece(`{"articles":[`), piece(",")
	})
	all := make([]store.Chunk, 0, 2*len(chunks)+2)
	all = append(all, openPiece)
	for i, c := range chunks {
		if i > 0 {
			all = append(all, commaPiece)
		}
		all = append(all, c)
	}
	all = append(all, piece(tail))
	size := len(gzipHeader) + len(finalBlock) + 8
	var crc uint32
	var total uint32
	for i, c := range all {
		size += len(c.Deflate)
		if i == 0 {
			crc = c.CRC
		} else {
			crc = store.CRC32Combine(crc, c.CRC, int64(c.Len))
		}
		total += c.Len
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.Write(gzipHeader)
	for _, c := range all {
		buf.Write(c.Deflate)
	}
	buf.Write(finalBlock)
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc))
	buf.Write(binary.LittleEndian.AppendUint32(nil, total))
	_, err := w.Write(buf.Bytes())
	return err
}

// acceptsGzip reads Accept-Encoding as gzhttp does: gzip named with a
// q-value above 0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}
