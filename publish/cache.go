package publish

import (
	"context"
	"net/http"
	"sync"

	"golang.org/x/sync/singleflight"

	"sppcrawl"
)

// Feeds and pages of cases are rendered from decoded articles: the first
// request for an answer renders it, compresses it once, and keeps both
// forms under its ETag, which names the archive's generation: any change
// of the archive makes a new tag, so a kept answer is never stale, and the
// next requests cost a copy.

// answerCache keeps the last answers rendered, a few dozen at most.
// Concurrent requests for an answer not kept render it once (singleflight):
// a new feed asked by many readers at once, just after a crawl changed the
// archive, costs one render, not one each.
type answerCache struct {
	mu      sync.Mutex
	byTag   map[string]*answer
	order   []string // oldest first, for eviction
	renders singleflight.Group
}

// answer is a rendered answer in both encodings.
type answer struct {
	contentType string
	skipped     []sppcrawl.SkippedRecord // left out: they do not decode
	plain, gz   []byte
}

const cachedAnswers = 64

// get returns the answer kept under tag, or renders it with render (which
// fills all but gz). The render is shared by every request waiting for it,
// so it runs under ctx without its cancellation: one client gone must not
// fail the others (it is bounded: the archive's reads and the index's
// timeout end it).
func (c *answerCache) get(ctx context.Context, tag string, render func(context.Context) (*answer, error)) (*answer, error) {
	if a := c.kept(tag); a != nil {
		return a, nil
	}
	v, err, _ := c.renders.Do(tag, func() (any, error) {
		if a := c.kept(tag); a != nil { // rendered while this request came
			return a, nil
		}
		a, err := render(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		a.gz = gzipOf(a.plain)
		c.keep(tag, a)
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*answer), nil
}

// kept is the answer kept under tag, or nil.
func (c *answerCache) kept(tag string) *answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byTag[tag]
}

// keep keeps a under tag, forgetting the oldest answers past cachedAnswers.
func (c *answerCache) keep(tag string, a *answer) {
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
}

// write sends the answer in the encoding the client takes.
func (a *answer) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	markSkipped(w, a.skipped)
	if gzipWanted(w, r) {
		writeGzip(w, a.gz)
		return
	}
	w.Write(a.plain)
}
