package crawler

import (
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"sppcrawl"
)

// Observer is told of every request the crawler makes (publish.Metrics is
// one, for /metrics). It must be safe for concurrent use.
type Observer interface {
	// Fetched: one answer read to its end, or status 0 for a request that
	// got none.
	Fetched(kind sppcrawl.RequestKind, status int, bytes int64, d time.Duration)
	// Retried: a request sent again after a transient failure.
	Retried(kind sppcrawl.RequestKind)
}

type nopObserver struct{}

func (nopObserver) Fetched(sppcrawl.RequestKind, int, int64, time.Duration) {}
func (nopObserver) Retried(sppcrawl.RequestKind)                            {}

// transport sends requests for the site's host to the origin (a mirror with the
// same paths, or the site itself), counts every request made and tells the
// observer how each went once its body has been read.
type transport struct {
	base     http.RoundTripper
	origin   *url.URL
	site     sppcrawl.URLs
	obs      Observer
	requests atomic.Int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	kind := t.kindOf(req.URL)
	if t.origin != nil && strings.EqualFold(req.URL.Hostname(), t.site.Host()) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host = t.origin.Scheme, t.origin.Host
		r.Host = t.origin.Host
		req = r
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.obs.Fetched(kind, 0, 0, time.Since(start))
		return nil, err
	}
	resp.Body = &observedBody{ReadCloser: resp.Body, t: t, kind: kind, status: resp.StatusCode, start: start}
	return resp, nil
}

// observedBody reports its answer once, when it is closed.
type observedBody struct {
	io.ReadCloser
	t      *transport
	kind   sppcrawl.RequestKind
	status int
	start  time.Time
	n      int64
	done   bool
}

func (b *observedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *observedBody) Close() error {
	if !b.done {
		b.done = true
		b.t.obs.Fetched(b.kind, b.status, b.n, time.Since(b.start))
	}
	return b.ReadCloser.Close()
}

var mediaExt = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true, ".webp": true,
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".wps": true, ".ofd": true, ".zip": true, ".rar": true}

// kindOf names what a URL of the site is, for the observer.
func (t *transport) kindOf(u *url.URL) sppcrawl.RequestKind {
	base := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	switch {
	case u.Path == "/robots.txt":
		return sppcrawl.RequestRobots
	case t.site.IsArticleURL(u.Path):
		return sppcrawl.RequestDetail
	case strings.HasPrefix(base, "index"):
		return sppcrawl.RequestList
	case mediaExt[strings.ToLower(path.Ext(base))]:
		return sppcrawl.RequestMedia
	}
	return sppcrawl.RequestOther
}
