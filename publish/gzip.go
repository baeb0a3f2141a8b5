package publish

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"sppcrawl"
)

// The server compresses in one of two ways, chosen by one rule. Answers
// made per request go through gzhttp (server.go). Answers whose gzip form
// exists before the request (an article's stored chunks, spliced; a feed
// or page of cases kept rendered, cache.go) are framed here, by the same
// gzip member the splice builds, and sent as they are: compressing them
// again would cost what keeping them saves. Whether a client takes gzip
// is decided by acceptsGzip for both, by gzhttp's rule.

// acceptsGzip says whether to answer r in gzip, as gzhttp decides for the
// answers it compresses: never a HEAD, and gzip named in Accept-Encoding
// with a q-value above 0 (a q-value that does not parse is 0; "*" does
// not name it). gzhttp keeps its own rule unexported, so it is written
// here, and TestAcceptsGzip_AsGzhttp holds the two together.
func acceptsGzip(r *http.Request) bool {
	if r.Method == http.MethodHead {
		return false
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, hasParams := strings.Cut(part, ";")
		if strings.ToLower(strings.TrimSpace(name)) != "gzip" {
			continue
		}
		return !hasParams || qValue(params) > 0
	}
	return false
}

// qValue is the q of a coding's parameters ("q=0.5;x=y"), 1 if none.
func qValue(params string) float64 {
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && strings.EqualFold(p[:2], "q=") {
			f, err := strconv.ParseFloat(p[2:], 64)
			if err != nil {
				f = 0
			}
			q = f
		}
	}
	return q
}

// gzipWanted marks an answer as varying with Accept-Encoding and says
// whether to send it in gzip.
func gzipWanted(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Accept-Encoding")
	return acceptsGzip(r)
}

// writeGzip sends an answer already in gzip.
func writeGzip(w http.ResponseWriter, gz []byte) {
	w.Header().Set("Content-Encoding", "gzip")
	w.Write(gz)
}

// gzipOf compresses b once into a gzip member, the splice's frame around
// one chunk, for an answer kept in both forms.
func gzipOf(b []byte) []byte {
	g := newGzipMember()
	defer g.release()
	g.add(sppcrawl.NewChunk(b))
	return bytes.Clone(g.finish())
}
