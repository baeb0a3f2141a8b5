package publish_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"sppcrawl/publish"
)

// A WebSub topic is one of this server's own feeds: its host (the public
// URL's when set, else the one the client reached), one of its feed paths,
// the parameters a feed takes; anything else is refused in words for the
// client.
func TestServer_Topic(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 3)
	const host = "127.0.0.1:8080"
	for _, c := range []struct {
		public, topic string
		channels      []string
		query, err    string
	}{
		{"", "http://127.0.0.1:8080/feed.atom?channel=jczdal", []string{"/spp/jczdal/"}, "", ""},
		{"", "https://127.0.0.1:8080/feed.rss", nil, "", ""},
		{"", "http://127.0.0.1:8080/feed.json?q=%E6%A1%88&channel=tt&kind=case", []string{"/spp/tt/"}, "案", ""},
		{"", "http://evil.example/feed.atom?channel=jczdal", nil, "", "not a feed of this server"},
		{"", "http://127.0.0.1:8081/feed.atom", nil, "", "not a feed of this server"},
		{"", "http://u:p@127.0.0.1:8080/feed.atom", nil, "", "without credentials"},
		{"", "http://127.0.0.1:8080/feed.atom#x", nil, "", "fragment"},
		{"", "ftp://127.0.0.1:8080/feed.atom", nil, "", "http(s)"},
		{"", "http://127.0.0.1:8080/feed.xml", nil, "", "not a feed of this server"},
		{"", "http://127.0.0.1:8080/feed.atom?channel=jczdal&limit=5", nil, "", `parameter "limit"`},
		{"", "http://127.0.0.1:8080/feed.atom?kind=case", nil, "", `parameter "kind"`},
		{"", "http://127.0.0.1:8080/feed.atom?q=x&cursor=abc", nil, "", `parameter "cursor"`},
		{"", "http://127.0.0.1:8080/feed.atom?q=x&withdrawn=only", nil, "", "withdrawn=only"},
		{"", "http://127.0.0.1:8080/feed.atom?channel=nope", nil, "", `channel "nope"`},
		{"", "/feed.atom", nil, "", "not a URL"},
		{"https://spp.example.org/archive", "https://spp.example.org/archive/feed.atom?channel=jczdal", []string{"/spp/jczdal/"}, "", ""},
		{"https://spp.example.org/archive", "https://SPP.example.org/archive/feed.json", nil, "", ""},
		{"https://spp.example.org/archive", "http://127.0.0.1:8080/feed.atom", nil, "", "https://spp.example.org/archive/feed.atom"},
		{"https://spp.example.org/archive", "http://spp.example.org/archive/feed.atom", nil, "", "not a feed of this server"},
		{"https://spp.example.org/archive", "https://spp.example.org/feed.atom", nil, "", "not a feed of this server"},
	} {
		srv := publish.NewServer(db, publish.Options{PublicURL: c.public})
		sub, err := srv.Topic(c.topic, host)
		chans, query := sub.Channels, sub.Query
		switch {
		case c.err == "" && (err != nil || !slices.Equal(chans, c.channels) || query != c.query):
			t.Errorf("%s (public %q): %v %q, %v; want %v %q", c.topic, c.public, chans, query, err, c.channels, c.query)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s (public %q): %v, want an error saying %q", c.topic, c.public, err, c.err)
		}
	}
}

// A server without a hub says so to the client in its terms, naming no
// flag of the server.
func TestServer_WebSubUnavailable(t *testing.T) {
	db, _ := openTestDB(t)
	w := httptest.NewRecorder()
	publish.NewServer(db, publish.Options{}).Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/websub", nil))
	if w.Code != http.StatusServiceUnavailable || strings.Contains(w.Body.String(), "--") {
		t.Errorf("%d %q, want 503 without a server flag", w.Code, w.Body.String())
	}
}
