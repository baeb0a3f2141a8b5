package publish_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"sppcrawl/publish"
	"sppcrawl/search"
)

// feedGet reads a feed under a Host header of the client's choosing.
func feedGet(t *testing.T, base, path, host string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// A feed's id names its content, never the host it was reached by: the
// same under every Host header, a tag URI; self links come from
// --public-url when set; Atom, RSS and JSON Feed alike, saved searches
// too.
func TestFeeds_StableIDs(t *testing.T) {
	db, path := openTestDB(t)
	seed(t, db, 0, 6)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix}).Handler())
	defer plain.Close()
	public := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, PublicURL: "https://mirror.example.org/spp"}).Handler())
	defer public.Close()
	atomID := regexp.MustCompile(`<feed[^>]*>\s*<title>[^<]*</title>\s*<id>([^<]*)</id>`)
	for _, path := range []string{"/feed.atom", "/feed.atom?channel=jczdal", "/feed.atom?q=%E7%AC%AC%E4%B8%80%E6%AE%B5"} {
		a := feedGet(t, plain.URL, path, "example.org")
		b := feedGet(t, plain.URL, path, "evil.example")
		c := feedGet(t, public.URL, path, "evil.example")
		ida, idb, idc := atomID.FindStringSubmatch(a), atomID.FindStringSubmatch(b), atomID.FindStringSubmatch(c)
		if ida == nil || idb == nil || idc == nil || ida[1] != idb[1] || ida[1] != idc[1] || !strings.HasPrefix(ida[1], "tag:") {
			t.Errorf("%s: ids %v %v %v, want one tag URI", path, ida, idb, idc)
		}
		if strings.Contains(c, "evil.example") || !strings.Contains(c, `href="https://mirror.example.org/spp`+strings.ReplaceAll(path, "&", "&amp;")+`" rel="self"`) {
			t.Errorf("%s under --public-url and Host evil.example:\n%s", path, c)
		}
	}
	for _, path := range []string{"/feed.rss", "/feed.json", "/feed.json?q=%E7%AC%AC%E4%B8%80%E6%AE%B5"} {
		if body := feedGet(t, public.URL, path, "evil.example"); strings.Contains(body, "evil.example") {
			t.Errorf("%s names the Host header:\n%s", path, body)
		}
	}
	if body := feedGet(t, public.URL, "/feed.json", "evil.example"); !strings.Contains(body, `"feed_url": "https://mirror.example.org/spp/feed.json"`) {
		t.Errorf("JSON Feed's feed_url is not the public URL:\n%s", body)
	}
}
