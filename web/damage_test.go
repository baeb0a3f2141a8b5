package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
	"sppcrawl/web"
)

// damagedSite serves an archive of 120 articles, its index caught up, after
// damage: records that do not decode (the seqs given), or, with leaf, a
// lost leaf page of the articles log (damage to the file's structure);
// opened as serve opens it (read-only, salvaging).
func damagedSite(t *testing.T, leaf bool, seqs ...uint64) *httptest.Server {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 120)
	for i := range 3 { // seqs 121 to 123: articles of cases
		a := testarchive.Article(200 + i)
		a.Cases = []sppcrawl.Case{{Title: fmt.Sprintf("第%d号案例", i), Keywords: []string{"抢劫"}}}
		a.ContentHash = a.ComputeHash()
		if _, err := db.Upsert(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := search.Open(search.PathFor(path), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	db.Close()
	if leaf {
		broken := filepath.Join(t.TempDir(), "b.db")
		storetest.BreakLeaf(t, path, broken, "articles")
		b, err := os.ReadFile(search.PathFor(path))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(search.PathFor(broken), b, 0o644); err != nil {
			t.Fatal(err)
		}
		path = broken
	}
	for _, s := range seqs {
		storetest.CorruptArticle(t, path, s)
	}
	db, err = store.Open(path, store.Options{ReadOnly: true, Salvage: true, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if leaf {
		// The index beside the archive it was made of.
		if ix, err = search.Open(search.PathFor(path), search.Options{}); err != nil {
			t.Fatal(err)
		}
	} else if ix, err = search.Open(search.PathFor(path), search.Options{ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	pages := web.New(db, web.Options{Index: ix, Version: "test"})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Index: ix, Pages: pages.Handler()}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

// Records that do not decode are left out of the pages, which say so in
// a banner; every other article is shown.
func TestPages_UndecodableRecords(t *testing.T) {
	srv := damagedSite(t, false, 118, 121, 122)
	for _, p := range []string{"/", "/cases", "/search?channel=tt", "/search?q=" + url.QueryEscape("第一段") + "&limit=200"} {
		code, body, _ := get(t, srv.URL+p)
		if code != http.StatusOK || !strings.Contains(body, "记录无法解码，本页未列出") {
			t.Errorf("%s: %d, no banner", p, code)
		}
	}
}

// On a file whose structure is damaged, the search page says so, as the
// API does (500), never "0 条结果".
func TestPages_DamagedStructure(t *testing.T) {
	srv := damagedSite(t, true)
	for _, p := range []string{"/search?q=" + url.QueryEscape("第一段"), "/api/search?q=" + url.QueryEscape("第一段")} {
		code, body, _ := get(t, srv.URL+p)
		if code != http.StatusInternalServerError || strings.Contains(body, "条结果") {
			t.Errorf("%s: %d\n%s", p, code, body)
		}
		if strings.HasPrefix(p, "/search") && !strings.Contains(body, "搜索无法读取：档案文件已损坏") {
			t.Errorf("%s: the page does not say the archive is damaged:\n%s", p, body)
		}
	}
}
