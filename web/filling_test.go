package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// While a new index is being filled, the search page and the documents
// say 索引重建中 with 503 and Retry-After; once caught up, they answer.
func TestPages_IndexFilling(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 12)
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	pages := web.New(db, web.Options{Index: ix, Version: "test"})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, Pages: pages.Handler()}).Handler())
	defer srv.Close()
	if _, home, _ := get(t, srv.URL+"/"); !strings.Contains(home, "索引重建中") {
		t.Error("the home page does not warn that the index is being made")
	}
	for _, p := range []string{"/search?q=%E7%AC%AC", "/documents"} {
		code, body, h := get(t, srv.URL+p)
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, "索引重建中") || strings.Contains(body, "条结果") {
			t.Errorf("%s while filling: %d, Retry-After %q:\n%s", p, code, h.Get("Retry-After"), body)
		}
	}
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := get(t, srv.URL+"/search?q=%E7%AC%AC"); code != 200 || !strings.Contains(body, "<strong>12</strong> 条结果") {
		t.Errorf("caught up: %d", code)
	}
}
