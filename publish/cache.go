package publish

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/klauspost/compress/gzip"

	"sppcrawl"
)

// Feeds and pages of cases are rendered from decoded articles: the first
// request for an answer renders it, compresses it once, and keeps both
// forms under its ETag, which names the archive's generation: any change
// of the archive makes a new tag, so a kept answer is never stale, and the
// next requests cost a copy.

// answerCache keeps the last answers rendered, a few dozen at most.
type answerCache struct {
	mu    sync.Mutex
	byTag map[string]*answer
	order []string // oldest first, for eviction
}

// answer is a rendered answer in both encodings.
type answer struct {
	contentType string
	skipped     []sppcrawl.SkippedRecord // left out: they do not decode
	plain, gz   []byte
}

const cachedAnswers = 64

// get returns the answer kept under tag, or renders it with render (which
// fills all but gz).
func (c *answerCache) get(tag string, render func() (*answer, error)) (*answer, error) {
	c.mu.Lock()
	a := c.byTag[tag]
	c.mu.Unlock()
	if a != nil {
		return a, nil
	}
	a, err := render()
	if err != nil {
		return nil, err
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	zw.Write(a.plain)
	zw.Close()
	a.gz = z.Bytes()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byTag == nil {
		c.byTag = map[string]*answer{}
	}
	if _, ok := c.byTag[tag]; !ok {
		c.order = append(c.order, tag)
	}
	c.byTag[tag] = a
	for len(c.order) > cachedAnswers {
		delete(c.byTag, c.order[0])
		c.order = c.order[1:]
	}
	return a, nil
}

// write sends the answer in the encoding the client takes.
func (a *answer) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Add("Vary", "Accept-Encoding")
	markSkipped(w, a.skipped)
	if r.Method != http.MethodHead && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		w.Write(a.gz)
		return
	}
	w.Write(a.plain)
}
