package s12309_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/pdfgen"
)

// fixturePDFs are the fixture's PDFs and the documents pdfgen writes them
// from.
var fixturePDFs = map[string]pdfgen.Doc{
	"minioweb/flws/2024/12/01/9000081.pdf": pdfgen.NonProsecution(),
}

// The fixture's PDFs are pdfgen's, byte for byte (-update writes them).
func TestFixturePDFs(t *testing.T) {
	for name, d := range fixturePDFs {
		path := filepath.Join(siteDir, filepath.FromSlash(name))
		want := d.Bytes()
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not pdfgen's (go test ./site/s12309 -update)", path)
		}
	}
}

// A PDF-only page takes its PDFs' text; a page holding its text names no
// file; a PDF without text (a scan) is a warning naming it, the article
// keeping the record's content.
func TestSite_ReadFiles(t *testing.T) {
	items := listed(t)
	i := slices.IndexFunc(items, func(it sppcrawl.ListItem) bool { return strings.Contains(it.URL, "9000081") })
	if i < 0 {
		t.Fatal("no 9000081 in the fixture's lists")
	}
	it := items[i]
	body := readPage(t, it.URL)
	a, err := site.ParseListed(body, it.URL, "text/html", it)
	if err != nil {
		t.Fatal(err)
	}
	files := site.TextFiles(a, body)
	if want := []string{"https://www.12309.gov.cn/minioweb/flws/2024/12/01/9000081.pdf"}; !slices.Equal(files, want) {
		t.Fatalf("TextFiles = %q, want %q", files, want)
	}
	recordText, recordHash := slices.Clone(a.Paragraphs), a.ContentHash
	scan := pdfgen.Doc{Pages: []pdfgen.Page{{}}}.Bytes()
	warns := site.ReadFiles(a, map[string][]byte{files[0]: scan})
	if len(warns) != 1 || !strings.Contains(warns[0].Error(), files[0]) || !slices.Equal(a.Paragraphs, recordText) || a.ContentHash != recordHash {
		t.Errorf("a scan: warnings %v, paragraphs %q; want one naming %s and the record's text", warns, a.Paragraphs, files[0])
	}
	warns = site.ReadFiles(a, map[string][]byte{files[0]: fixturePDFs["minioweb/flws/2024/12/01/9000081.pdf"].Bytes()})
	if len(warns) != 0 || len(a.Paragraphs) != 9 || a.Document.Number != "津和检刑不诉〔2024〕45号" || a.Document.Signed != "2024-11-25" || a.ContentHash == recordHash {
		t.Errorf("the PDF: %v, %q, %+v", warns, a.Paragraphs, a.Document)
	}
	for _, other := range items {
		if other.URL == it.URL {
			continue
		}
		b := readPage(t, other.URL)
		o, err := site.ParseListed(b, other.URL, "text/html", other)
		if err != nil {
			t.Fatal(err)
		}
		if fs := site.TextFiles(o, b); len(fs) != 0 {
			t.Errorf("%s holds its text, yet TextFiles names %q", other.URL, fs)
		}
	}
}

// reextract reads a PDF-only page with its PDF as archived; one the
// archive does not hold is an error (what was stored is kept), and a page
// holding its text asks for no file.
func TestParseRawFiles(t *testing.T) {
	for _, it := range listed(t) {
		raw := &sppcrawl.RawPage{URL: it.URL, Body: readPage(t, it.URL), ContentType: "text/html", Listed: it.Record}
		var asked []string
		a, warns, err := sppcrawl.ParseRawFiles(site, raw, func(u string) ([]byte, error) {
			asked = append(asked, u)
			return readPage(t, u), nil
		})
		if err != nil || len(warns) > 0 {
			t.Fatalf("%s: %v %v", it.URL, warns, err)
		}
		if !strings.Contains(it.URL, "9000081") {
			if len(asked) > 0 {
				t.Errorf("%s holds its text, yet asked for %q", it.URL, asked)
			}
			continue
		}
		if len(asked) != 1 || len(a.Paragraphs) != 9 || a.Paragraphs[8] != "2024年11月25日" {
			t.Errorf("%s: asked %q, paragraphs %q", it.URL, asked, a.Paragraphs)
		}
		_, _, err = sppcrawl.ParseRawFiles(site, raw, func(string) ([]byte, error) { return nil, sppcrawl.ErrNotFound })
		if !errors.Is(err, sppcrawl.ErrNotFound) || !strings.Contains(err.Error(), asked[0]) {
			t.Errorf("%s without its PDF archived: %v, want ErrNotFound naming %s", it.URL, err, asked[0])
		}
	}
}
