package store

import (
	"compress/gzip"
	"io"
	"sync"
)

// gzip writers are large (hundreds of KiB of state); reuse them.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return w
}}
