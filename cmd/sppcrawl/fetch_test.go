package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"sppcrawl/store"
)

// fetch of a stored article whose URL now answers 404 counts a sighting
// toward its withdrawal, as a crawl does, and says so: the first fetch is
// sighting 1 of 2, a later one withdraws it; a dry run counts nothing; a URL
// not stored answering 404 is a failure.
func TestCLI_FetchGoneCountsTowardWithdrawal(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/site")
	if err != nil {
		t.Fatal(err)
	}
	const rel = "/spp/jczdal/202611/t20261102_850006.shtml"
	var gone atomic.Bool
	files := http.FileServer(http.Dir(dir))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gone.Load() && r.URL.Path == rel {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer site.Close()
	path := filepath.Join(t.TempDir(), "a.db")
	u := "https://www.spp.gov.cn" + rel
	fetch := func(wantCode int, args ...string) string {
		t.Helper()
		var code int
		out := stdoutOf(&code, append([]string{"fetch", "--db", path, "--origin", site.URL, "--log-level", "error"}, args...))
		if code != wantCode {
			t.Errorf("fetch %v: exit %d, want %d (%q)", args, code, wantCode, out)
		}
		return out
	}
	fetch(exitOK, u)
	gone.Store(true)
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run", u}, "spp-850006 would be a gone sighting (HTTP 404): a sighting toward withdrawal"},
		{[]string{u}, "spp-850006 gone (HTTP 404): sighting 1 of 2 toward withdrawal, it is withdrawn if the next run agrees (v1, seq 1) " + u},
		{[]string{u}, "spp-850006 withdrawn (HTTP 404): sighting 2 of 2, article withdrawn by the site: marked withdrawn_at, its content kept (v1, seq 2) " + u},
		{[]string{u}, "spp-850006 gone (HTTP 404): withdrawn already, on "},
	} {
		if out := fetch(exitOK, step.args...); !strings.HasPrefix(out, step.want) {
			t.Errorf("fetch %v:\n%s\nwant it to start %q", step.args, out, step.want)
		}
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.Get(context.Background(), "spp-850006")
	db.Close()
	if err != nil || a.WithdrawnAt.IsZero() || len(a.Paragraphs) == 0 {
		t.Errorf("after two fetches answered 404: %v, withdrawn_at %v, %d paragraphs kept", err, a.WithdrawnAt, len(a.Paragraphs))
	}
	fetch(exitFailures, "https://www.spp.gov.cn/spp/jczdal/202611/t20261102_859999.shtml")
}
