package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// fixtureArticles is how many articles a crawl of the whole fixture site
// stores.
const fixtureArticles = 285

// siteServer serves testdata/site as a static mirror.
func siteServer(tb testing.TB) *httptest.Server {
	dir, err := filepath.Abs("../../testdata/site") // tests may change directory
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	tb.Cleanup(srv.Close)
	return srv
}
