package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sppcrawl"
)

// localFixture serves the fixture site of host (testdata/sites/HOST) as a
// static mirror.
func localFixture(tb testing.TB, host string) *httptest.Server {
	dir, err := filepath.Abs(filepath.Join("../../testdata/sites", host))
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	tb.Cleanup(srv.Close)
	return srv
}

// wantArticles are the fixture site's articles as their golden files have
// them, by id.
func wantArticles(t *testing.T, host string) map[string]sppcrawl.Article {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("../../testdata/sitepages", host, "*.golden.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("goldens of %s: %v, %d", host, err, len(files))
	}
	out := map[string]sppcrawl.Article{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var a sppcrawl.Article
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[a.ID] = a
	}
	return out
}

// A crawl of a local site by --site exports every article of it with its
// canonical URL, site, title, publish time, 来源, 作者, 编辑, channel and
// every paragraph exactly as its golden page has them.
func TestCLI_CrawlLocalSite(t *testing.T) {
	for _, host := range []string{"www.gd.jcy.gov.cn", "www.hbjc.gov.cn"} {
		t.Run(host, func(t *testing.T) {
			srv := localFixture(t, host)
			db := filepath.Join(t.TempDir(), "a.db")
			if code := run([]string{"crawl", "--site", host, "--origin", srv.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
				t.Fatalf("crawl: exit %d", code)
			}
			out := capture(t, &os.Stdout, func() { run([]string{"export", "--db", db, "--log-level", "error"}) })
			want := wantArticles(t, host)
			got := map[string]bool{}
			sc := bufio.NewScanner(strings.NewReader(out))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var a sppcrawl.Article
				if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
					t.Fatal(err)
				}
				w, ok := want[a.ID]
				if !ok {
					t.Errorf("unexpected article %s", a.ID)
					continue
				}
				got[a.ID] = true
				g := []any{a.URL, a.Site, a.Title, a.PublishedAt.String(), a.Source, a.Author, a.Editor, a.Channel, a.Paragraphs}
				wv := []any{w.URL, host, w.Title, w.PublishedAt.String(), w.Source, w.Author, w.Editor, w.Channel, w.Paragraphs}
				if !reflect.DeepEqual(g, wv) {
					t.Errorf("%s:\ngot  %q\nwant %q", a.ID, g, wv)
				}
			}
			if len(got) != len(want) {
				t.Errorf("exported %d articles, want %d", len(got), len(want))
			}
		})
	}
}

func TestCLI_Sites(t *testing.T) {
	var code int
	out := capture(t, &os.Stdout, func() { code = run([]string{"sites", "--format", "json"}) })
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if len(rows) < 3 || rows[0]["key"] != "spp" || rows[0]["host"] != "www.spp.gov.cn" || rows[0]["kind"] != "spp" {
		t.Fatalf("rows %v", rows)
	}
	for _, r := range rows {
		if len(r) != 4 || r["name"] == "" {
			t.Errorf("row %v: want key, host, kind, name", r)
		}
	}
	db := filepath.Join(t.TempDir(), "x.db")
	for _, bad := range [][]string{{"crawl", "--db", db, "--site", "www.example.com"}, {"crawl", "--db", db, "--site", "spp,hbjc"}, {"sites", "x"}} {
		if code := run(bad); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", bad, code, exitUsage)
		}
	}
}
