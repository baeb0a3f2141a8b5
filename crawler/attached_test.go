package crawler_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/internal/listservice"
	"sppcrawl/internal/pdfgen"
	"sppcrawl/site/s12309"
	"sppcrawl/store"
)

const pdfPath = "/minioweb/flws/2024/12/01/9000081.pdf"

// pdfCounter serves the 12309 fixture, counting the requests for its PDF
// and answering pdf for it when set.
type pdfCounter struct {
	svc    *listservice.Server
	pdf    []byte
	status atomic.Int64 // answered for the PDF when set
	hits   atomic.Int64
}

func (p *pdfCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == pdfPath {
		p.hits.Add(1)
		if st := p.status.Load(); st != 0 {
			http.Error(w, http.StatusText(int(st)), int(st))
			return
		}
		if p.pdf != nil {
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write(p.pdf)
			return
		}
	}
	p.svc.ServeHTTP(w, r)
}

// A PDF-only document is stored with its PDF's text, exactly as the
// golden says, and the PDF, fetched once with the page, is archived as its
// attachment: the media phase does not ask for it again.
func TestCrawl_PDFOnlyDocument(t *testing.T) {
	h := &pdfCounter{svc: &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn"}}
	db, sum := crawl12309(t, h)
	if sum.Created != 15 || len(sum.Warnings) != 0 {
		t.Fatalf("run = %+v; want 15 created, no warning", sum)
	}
	if n := h.hits.Load(); n != 1 {
		t.Errorf("the PDF was asked %d times, want once", n)
	}
	a, err := db.Get(context.Background(), "12309-9000081")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct{ Paragraphs []string }
	b, err := os.ReadFile("../testdata/sitepages/www.12309.gov.cn/t20241201_9000081.golden.json")
	if err != nil || json.Unmarshal(b, &golden) != nil {
		t.Fatal(err)
	}
	if strings.Join(a.Paragraphs, "\n") != strings.Join(golden.Paragraphs, "\n") || len(a.Paragraphs) < 9 {
		t.Errorf("paragraphs %q, want the golden's %q", a.Paragraphs, golden.Paragraphs)
	}
	if len(a.Attachments) != 1 || a.Attachments[0].SHA256 == "" || a.Document.Signed != "2024-11-25" {
		t.Errorf("attachments %+v, document %+v: want the PDF archived, signed 2024-11-25", a.Attachments, a.Document)
	}
}

// A PDF without a text layer (a scan) leaves the record's text, and the
// run warns naming the PDF.
func TestCrawl_PDFOnlyDocumentScan(t *testing.T) {
	h := &pdfCounter{svc: &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn"},
		pdf: pdfgen.Doc{Title: "扫描件", Pages: []pdfgen.Page{{}}}.Bytes()}
	db, sum := crawl12309(t, h)
	if sum.Created != 15 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "https://www.12309.gov.cn"+pdfPath) {
		t.Fatalf("run = %+v; want 15 created, a warning naming the PDF", sum)
	}
	a, err := db.Get(context.Background(), "12309-9000081")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) != 6 || a.Paragraphs[3] != "被不起诉人郑某，男，19**年**月**日出生。" {
		t.Errorf("paragraphs %q, want the record's content", a.Paragraphs)
	}
}

func crawl12309(t *testing.T, h http.Handler) (*store.DB, sppcrawl.RunSummary) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: s12309.Site{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := testConfig(srv.URL)
	cfg.Site, cfg.Full, cfg.Media = s12309.Site{}, true, crawler.MediaAll
	sum, err := runOnce(t, cfg, db)
	if err != nil && len(sum.Warnings) == 0 {
		t.Fatal(err)
	}
	return db, sum
}

// fetch reads a PDF-only page with its PDF too: what it stores is the
// PDF's text, not the page's nothing.
func TestFetchArticle_PDFOnly(t *testing.T) {
	h := &pdfCounter{svc: &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn"}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: s12309.Site{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := testConfig(srv.URL)
	cfg.Site = s12309.Site{}
	c, err := crawler.New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := c.FetchArticle(context.Background(), "https://www.12309.gov.cn/12309/gj/tj/tjshpq/zjxflws/202412/t20241201_9000081.shtml")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) != 9 || a.Document.Number != "津和检刑不诉〔2024〕45号" || h.hits.Load() != 1 {
		t.Errorf("paragraphs %q, document %+v, PDF asked %d times", a.Paragraphs, a.Document, h.hits.Load())
	}
}

// A PDF that does not answer now (503) fails its page, which the next run
// reads whole; one that is gone (404) is a warning, the record's text kept.
func TestCrawl_PDFOnlyDocumentUnanswered(t *testing.T) {
	h := &pdfCounter{svc: &listservice.Server{Dir: "../testdata/sites/www.12309.gov.cn"}}
	h.status.Store(http.StatusServiceUnavailable)
	srv := httptest.NewServer(h)
	defer srv.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: s12309.Site{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := testConfig(srv.URL)
	cfg.Site, cfg.Full, cfg.Media = s12309.Site{}, true, crawler.MediaAll
	sum, _ := runOnce(t, cfg, db)
	if sum.Created != 14 || sum.Failures != 1 {
		t.Fatalf("run with the PDF answering 503 = %+v; want 14 created, 1 failure", sum)
	}
	if _, err := db.Get(context.Background(), "12309-9000081"); err == nil {
		t.Error("the document was stored without its PDF's text")
	}
	h.status.Store(0)
	// A day later the failure is due: the lists show the page again.
	cfg.Now = func() time.Time { return time.Now().Add(24 * time.Hour) }
	if sum, err = runOnce(t, cfg, db); err != nil || sum.Created != 1 {
		t.Fatalf("next run = %+v, %v; want the document created", sum, err)
	}
	if a, err := db.Get(context.Background(), "12309-9000081"); err != nil || len(a.Paragraphs) != 9 {
		t.Errorf("%v, %+v: want the PDF's 9 paragraphs", err, a)
	}

	h.status.Store(http.StatusNotFound)
	db2, sum := crawl12309(t, h)
	if sum.Created != 15 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "HTTP 404") {
		t.Fatalf("run with the PDF gone = %+v; want 15 created, a warning", sum)
	}
	if a, err := db2.Get(context.Background(), "12309-9000081"); err != nil || len(a.Paragraphs) != 6 {
		t.Errorf("%v, %+v: want the record's 6 paragraphs", err, a)
	}
}
