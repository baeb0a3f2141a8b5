package publish_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"sppcrawl/publish"
	"sppcrawl/search"
)

// Until a new index has caught up with the archive once, searches and
// saved-search feeds answer 503 with Retry-After, never an empty result
// that looks true; then they answer.
func TestServe_IndexFilling(t *testing.T) {
	db, path := openTestDB(t)
	seed(t, db, 0, 12)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix}).Handler())
	defer srv.Close()
	paths := []string{"/api/search?q=%E7%AC%AC", "/api/search?q=%E7%AC%AC&format=jsonl", "/feed.json?q=%E7%AC%AC", "/feed.atom?q=%E7%AC%AC"}
	check := func(code int, retry bool) {
		t.Helper()
		for _, p := range paths {
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != code || (resp.Header.Get("Retry-After") != "") != retry {
				t.Errorf("%s: %d, Retry-After %q; want %d", p, resp.StatusCode, resp.Header.Get("Retry-After"), code)
			}
		}
	}
	check(http.StatusServiceUnavailable, true)
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	check(http.StatusOK, false)
}
