package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"strings"
	"sync/atomic"
	"testing"
)

// varying are what two crawls of the same site into two archives print
// differently: times, durations, the archive's own name, and the size of
// its search index (a derived file, whose bytes depend on the batches it
// was written in: as the crawl went, or caught up at once after a copy).
var varying = regexp.MustCompile(`\d{4}-\d\d-\d\d[ T][\d:.]+( ?[+-]\d\d:?\d\d|Z)?|\d+(\.\d+)?(ms|µs|s)\b|versions in [\d.]+ [KMG]?i?B \([\d.]+ [KMG]?i?B each\)`)

// sameOutput runs a command on both archives and fails where what it
// prints differs but for times, durations and the archive's name.
func sameOutput(t *testing.T, pg, bolt string, args ...string) {
	t.Helper()
	var outs [2]string
	for i, db := range []string{pg, bolt} {
		var code int
		out := stdoutOf(&code, append(slices.Clone(args), "--db", db, "--log-level", "error"))
		if code != exitOK {
			t.Fatalf("%s --db %s: exit %d", strings.Join(args, " "), db, code)
		}
		outs[i] = varying.ReplaceAllString(strings.ReplaceAll(out, db, "ARCHIVE"), "T")
	}
	if outs[0] == "" || outs[0] != outs[1] {
		t.Errorf("%s on PostgreSQL:\n%s\non bbolt:\n%s", strings.Join(args, " "), outs[0], outs[1])
	}
}

// serveHandler is serve's handler over the archive db, built as serve
// builds it (read-only, no crawl).
func serveHandler(t *testing.T, db string) http.Handler {
	t.Helper()
	c := newCLI(serveInfo, streams{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard})
	f := serveFlags{cfg: c.crawlConfig(netFlags)}
	c.archive(false, func() sppcrawl.OpenMode { return sppcrawl.OpenSalvagesRead })
	if err := c.parse([]string{"--db", db, "--log-level", "error"}); err != nil {
		t.Fatal(err)
	}
	archive, err := c.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.newServeMain(archive, &f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(context.Background()); err != nil {
			t.Error(err)
		}
		if err := c.close(); err != nil {
			t.Error(err)
		}
	})
	return m.handler
}

// getJSON is the answer of GET path, which must be 200 JSON.
func getJSON(t *testing.T, h http.Handler, path string, v any) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// samePulls: serve over PostgreSQL answers /healthz and /api/articles as
// over bbolt (the ids: each crawl gave its seqs in its own order).
func samePulls(t *testing.T, pg, bolt string) {
	type health struct {
		Status   string `json:"status"`
		Articles int    `json:"articles"`
		Index    struct {
			Versions int `json:"versions"`
			Behind   int `json:"behind"`
		} `json:"search_index"`
	}
	type page struct {
		Articles []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"articles"`
	}
	var hs [2]health
	var ids [2][]string
	for i, db := range []string{pg, bolt} {
		h := serveHandler(t, db)
		getJSON(t, h, "/healthz", &hs[i])
		var p page
		getJSON(t, h, "/api/articles?limit=100", &p)
		for _, a := range p.Articles {
			ids[i] = append(ids[i], a.ID+" "+a.Title)
		}
		slices.Sort(ids[i])
	}
	if hs[0] != hs[1] || hs[0].Status != "ok" || hs[0].Articles != 66 || hs[0].Index.Versions != 66 {
		t.Errorf("/healthz on PostgreSQL %+v, on bbolt %+v; want the same, ok, 66 articles indexed", hs[0], hs[1])
	}
	if len(ids[0]) != 66 || !slices.Equal(ids[0], ids[1]) {
		t.Errorf("/api/articles on PostgreSQL: %d articles, on bbolt %d; want the same 66", len(ids[0]), len(ids[1]))
	}
}

// TestCLI_PostgresDelivers: a crawl into PostgreSQL delivers what it
// stored to the subscriptions at its end, as into bbolt; a deliver after
// it finds nothing left.
func TestCLI_PostgresDelivers(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var hooks atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hooks.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)
	runQuiet := func(args ...string) int { return run(append(args, "--db", dsn, "--quiet")) }
	if code := runQuiet("subscriptions", "add", "--allow-http", "--allow-private", recv.URL); code != exitOK {
		t.Fatalf("subscriptions add: exit %d", code)
	}
	site := siteServer(t)
	if code := runQuiet("crawl", "--origin", site.URL, "--delay", "0", "--channels", "gzbg", "--full"); code != exitOK || hooks.Load() == 0 {
		t.Fatalf("crawl: exit %d, %d deliveries; want the stored articles delivered", code, hooks.Load())
	}
	delivered := hooks.Load()
	if code := runQuiet("deliver", "--for", "1s"); code != exitOK || hooks.Load() != delivered {
		t.Errorf("deliver after the crawl: exit %d, %d requests more; want none", code, hooks.Load()-delivered)
	}
}
