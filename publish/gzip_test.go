package publish

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzhttp"
)

// gzhttpGzips says whether gzhttp (zstd off, as for a gzip-only client)
// answers r in gzip.
func gzhttpGzips(t testing.TB, method, accept string) bool {
	t.Helper()
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(0), gzhttp.EnableZstd(false))
	if err != nil {
		t.Fatal(err)
	}
	h := wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(bytes.Repeat([]byte(`{"a":1}`), 400))
	}))
	r := httptest.NewRequest(method, "/", nil)
	r.Header.Set("Accept-Encoding", accept)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Header().Get("Content-Encoding") == "gzip"
}

// The answers the server sends already in gzip (spliced, kept) go to the
// clients gzhttp would send gzip to, and to no other.
func TestAcceptsGzip_AsGzhttp(t *testing.T) {
	headers := []string{"", "gzip", "GZIP", " gzip ", "gzip;q=0", "gzip;q=0.0", "gzip; q=0.5", "gzip;q=abc",
		"gzip;Q=0", "deflate, gzip;q=1", "*", "*;q=1", "x-gzip", "br, gzip ;q=0.001", "gzip;q=0, gzip",
		"identity", "gzip;level=1", "gzip;q=0.5;x=y", "gzip;x=y;q=0", "gzipx", ",,gzip", "gzip;q=-1", "gzip;q=2"}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, h := range headers {
			r := httptest.NewRequest(method, "/", nil)
			r.Header.Set("Accept-Encoding", h)
			if got, want := acceptsGzip(r), gzhttpGzips(t, method, h); got != want {
				t.Errorf("%s Accept-Encoding %q: acceptsGzip %v, gzhttp %v", method, h, got, want)
			}
		}
	}
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, h := range []string{"gzip", "gzip;q=0", "br;q=1, gzip;q=0.2", "*"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if strings.ContainsAny(h, "\r\n\x00") {
			return // not a header value
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got, want := acceptsGzip(r), gzhttpGzips(t, http.MethodGet, h); got != want {
			t.Fatalf("Accept-Encoding %q: acceptsGzip %v, gzhttp %v", h, got, want)
		}
	})
}

// gzipOf is one gzip member that inflates to what it was given.
func TestGzipOf(t *testing.T) {
	for _, in := range []string{"", "x", strings.Repeat("最高人民检察院", 5000)} {
		zr, err := gzip.NewReader(bytes.NewReader(gzipOf([]byte(in))))
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		out, err := io.ReadAll(zr)
		if err != nil || string(out) != in {
			t.Errorf("gzipOf(%d bytes) inflates to %d bytes, %v", len(in), len(out), err)
		}
	}
}
