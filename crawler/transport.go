package crawler

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"sppcrawl/extract"
)

// transport sends requests for www.spp.gov.cn to the origin (a mirror with the
// same paths, or the site itself) and counts every request made.
type transport struct {
	base     http.RoundTripper
	origin   *url.URL
	requests atomic.Int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	if t.origin != nil && strings.EqualFold(req.URL.Hostname(), extract.Host) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host = t.origin.Scheme, t.origin.Host
		r.Host = t.origin.Host
		req = r
	}
	return t.base.RoundTrip(req)
}
