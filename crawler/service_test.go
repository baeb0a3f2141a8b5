package crawler_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sppcrawl/internal/listservice"
	"sppcrawl/site/s12309"
	"sppcrawl/store"
)

// A site whose lists a service answers (12309's POST
// /getFileListByPage) is crawled through it: every record's detail page
// is stored, read with its record; a service refusing the JSON body is
// asked with the form; a run with nothing new asks each kind's first page
// only.
func TestCrawl_ListService(t *testing.T) {
	for _, c := range []struct {
		name                string
		formOnly, refusedOK bool
	}{{"json", false, false}, {"form after 415", true, false}, {"form after an error in a 200", true, true}} {
		formOnly := c.formOnly
		t.Run(c.name, func(t *testing.T) {
			svc := &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn", FormOnly: formOnly, RefusedOK: c.refusedOK}
			srv := httptest.NewServer(svc)
			defer srv.Close()
			db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: s12309.Site{}})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			cfg := testConfig(srv.URL)
			cfg.Site, cfg.Full = s12309.Site{}, true
			sum, err := runOnce(t, cfg, db)
			if err != nil || sum.Created != 15 || len(sum.Warnings) != 0 {
				t.Fatalf("run = %+v, %v; want 15 created, no warning", sum, err)
			}
			// Once refused, the run asks in the form: at most the first
			// page of each kind in flight meanwhile is refused.
			if n := svc.Refused.Load(); formOnly != (n > 0) || n > 6 {
				t.Errorf("%d JSON requests refused of %d list pages", n, sum.ListPages)
			}
			checkRecordRead(t, db)
			svc.Lists.Store(0)
			cfg.Full = false
			if sum, err = runOnce(t, cfg, db); err != nil || sum.Created != 0 || sum.Unchanged != 0 {
				t.Fatalf("second run = %+v, %v; want nothing fetched", sum, err)
			}
			if got := svc.Lists.Load(); got != 6 {
				t.Errorf("second run asked for %d list pages, want 6 (the first of each kind)", got)
			}
		})
	}
}

// checkRecordRead: a page holding no text has its record's, and a page
// showing only a day its record's time.
func checkRecordRead(t *testing.T, db *store.DB) {
	t.Helper()
	a, err := db.Get(context.Background(), "12309-9000060")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) != 7 || !strings.HasPrefix(a.Paragraphs[0], "浙江省杭州市西湖区人民检察院") {
		t.Errorf("paragraphs %q, want the record's content", a.Paragraphs)
	}
	if want := time.Date(2024, 11, 29, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)); !a.PublishedAt.Equal(want) {
		t.Errorf("published %s, want the record's %s", a.PublishedAt, want)
	}
	if a.Document == nil || a.Document.Number != "杭西检刑诉【2024】512号" || a.Site != "www.12309.gov.cn" {
		t.Errorf("document %+v, site %q", a.Document, a.Site)
	}
}

// robots.txt disallowing the list service keeps the run from asking it.
func TestCrawl_ListServiceRobots(t *testing.T) {
	svc := &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /getFileListByPage\n"))
			return
		}
		svc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: s12309.Site{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := testConfig(srv.URL)
	cfg.Site, cfg.Full = s12309.Site{}, true
	sum, err := runOnce(t, cfg, db)
	if err != nil || sum.Created != 0 || svc.Lists.Load() != 0 {
		t.Errorf("run = %+v, %v, %d list requests; want none", sum, err, svc.Lists.Load())
	}
}
