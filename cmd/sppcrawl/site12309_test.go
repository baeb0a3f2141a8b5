package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/listservice"
	"sppcrawl/store/storetest"
)

const host12309 = "www.12309.gov.cn"

// fixture12309 serves the 12309 fixture site, its list service included.
func fixture12309(tb testing.TB) (*httptest.Server, *listservice.Server) {
	tb.Helper()
	svc := &listservice.Server{Dir: filepath.Join("../../testdata/sites", host12309)}
	srv := httptest.NewServer(svc)
	tb.Cleanup(srv.Close)
	return srv, svc
}

// crawl --site 12309 exports every document of the list service with
// every field its golden has; the next run asks each kind's first page.
func TestCLI_Crawl12309(t *testing.T) {
	srv, svc := fixture12309(t)
	db := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--site", "12309", "--origin", srv.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	checkExport12309(t, db)
	svc.Lists.Store(0)
	if code := run([]string{"crawl", "--site", "12309", "--origin", srv.URL, "--db", db, "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Errorf("second crawl: exit %d", code)
	}
	if n := svc.Lists.Load(); n != 6 {
		t.Errorf("second crawl asked for %d list pages, want 6", n)
	}
}

// checkExport12309 wants the archive's export to be the goldens' documents,
// each in its first version.
func checkExport12309(t *testing.T, db string) {
	t.Helper()
	out := stdoutOf(nil, []string{"export", "--db", db, "--log-level", "error"})
	want := wantArticles(t, host12309)
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
		check12309(t, &a, &w)
		if a.Version != 1 {
			t.Errorf("%s: version %d, want 1", a.ID, a.Version)
		}
	}
	if len(got) != len(want) || len(want) != 15 {
		t.Errorf("exported %d articles, want the %d of the goldens (15)", len(got), len(want))
	}
}

// reextract reads each document's raw page with the record the crawl read
// it with: a page whose text or time only the record gave reads the same.
func TestCLI_Reextract12309(t *testing.T) {
	srv, _ := fixture12309(t)
	db := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--site", "12309", "--origin", srv.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	if code := run([]string{"reextract", "--db", db, "--log-level", "error"}); code != exitOK {
		t.Errorf("reextract: exit %d", code)
	}
	checkExport12309(t, db)
}

// verify --repair rebuilds 12309's documents whose records do not decode
// from their stored page and archived files: a PDF-only document's text
// is its PDF's, as the crawl read it.
func TestCLI_Repair12309(t *testing.T) {
	srv, _ := fixture12309(t)
	db := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--site", "12309", "--origin", srv.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	n := countArticles(t, db)
	all := make([]int, n)
	for i := range all {
		all[i] = i + 1
	}
	for _, seq := range currentSeqs(t, db, all...) {
		storetest.CorruptArticle(t, db, seq)
	}
	var code int
	errOut := stderrOf(&code, []string{"verify", "--repair", "--db", db})
	if want := fmt.Sprintf("%d records quarantined, %d articles rebuilt", n, n); code != exitOK || !strings.Contains(errOut, want) {
		t.Errorf("verify --repair: exit %d, want %q\n%s", code, want, errOut)
	}
	checkExport12309(t, db)
}

// check12309 compares an exported document with its golden, field by
// field, and wants its own files archived.
func check12309(t *testing.T, a, w *sppcrawl.Article) {
	t.Helper()
	g := []any{a.URL, a.Site, a.Title, a.PublishedAt.String(), a.Source, a.Author, a.Editor, a.Channel, a.Paragraphs, a.Document}
	wv := []any{w.URL, host12309, w.Title, w.PublishedAt.String(), w.Source, w.Author, w.Editor, w.Channel, w.Paragraphs, w.Document}
	if !reflect.DeepEqual(g, wv) {
		t.Errorf("%s:\ngot  %q\nwant %q", a.ID, g, wv)
	}
	for _, m := range a.MediaRefs() {
		if m.SHA256 == "" {
			t.Errorf("%s: file %s not archived (%s)", a.ID, m.URL, m.Missing)
		}
	}
	if len(a.MediaRefs()) != len(w.Images)+len(w.Attachments) {
		t.Errorf("%s: %d files of its own, want %d", a.ID, len(a.MediaRefs()), len(w.Images)+len(w.Attachments))
	}
}

func TestCLI_Sites12309(t *testing.T) {
	var code int
	out := stdoutOf(&code, []string{"sites", "--format", "json"})
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	want := map[string]string{"key": "12309", "host": host12309, "kind": "case-documents", "name": "中国检察网"}
	if len(rows) < 2 || !reflect.DeepEqual(rows[1], want) {
		t.Errorf("rows %v, want the second %v", rows, want)
	}
}

// sites check 12309 reads the kinds from the sidebar, a list answer of
// the service (in the form it reads) and its first document.
func TestCLI_SitesCheck12309(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		srv, _ := fixture12309(t)
		sitesCheck12309(t, srv.URL)
	})
	t.Run("form", func(t *testing.T) {
		svc := &listservice.Server{Dir: filepath.Join("../../testdata/sites", host12309), FormOnly: true, RefusedOK: true}
		srv := httptest.NewServer(svc)
		defer srv.Close()
		sitesCheck12309(t, srv.URL)
		if svc.Refused.Load() != 1 {
			t.Errorf("%d requests refused, want 1", svc.Refused.Load())
		}
	})
}

func sitesCheck12309(t *testing.T, origin string) {
	t.Helper()
	var code int
	out := stdoutOf(&code, []string{"sites", "check", "12309", "--origin", origin, "--log-level", "error"})
	for _, want := range []string{"home     https://www.12309.gov.cn/12309/gj/zjxflws/index.shtml: 6 channels",
		"list     https://www.12309.gov.cn/12309/gj/zdajxx/index.shtml: 重要案件信息, page 1 of 2",
		"article  https://www.12309.gov.cn/12309/gj/bj/bjsjsq/zdajxx/202412/t20241206_9000131.shtml",
		"published_at  2024-12-06T15:40:00+08:00"} { // the record's time: the page shows the day
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
}
