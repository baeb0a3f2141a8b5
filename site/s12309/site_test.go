package s12309_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/internal/golden"
	"sppcrawl/site/s12309"
)

var update = flag.Bool("update", false, "rewrite testdata/sitepages/www.12309.gov.cn/*.golden.json")

const (
	siteDir   = "../../testdata/sites/www.12309.gov.cn"
	goldenDir = "../../testdata/sitepages/www.12309.gov.cn"
)

var site s12309.Site

// listed is every item of the fixture's list answers, kind by kind and
// page by page, as ParseList reads them.
func listed(tb testing.TB) []sppcrawl.ListItem {
	tb.Helper()
	keys := map[string]string{}
	for _, c := range site.Channels() {
		keys[c.Key] = c.Path
	}
	files, err := filepath.Glob(filepath.Join(siteDir, "getFileListByPage", "*-*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("list answers: %v, %d", err, len(files))
	}
	var out []sppcrawl.ListItem
	for _, f := range files {
		var key string
		var page int
		if _, err := fmt.Sscanf(strings.ReplaceAll(filepath.Base(f), "-", " "), "%s %d.json", &key, &page); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		body, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := site.ParseList(body, site.ListPageURL(keys[key], page), "application/json")
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		out = append(out, l.Items...)
	}
	return out
}

// readPage is the fixture page at a URL of the site.
func readPage(tb testing.TB, u string) []byte {
	tb.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(siteDir, filepath.FromSlash(pu.Path)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSite_ParseListed_Golden(t *testing.T) {
	items := listed(t)
	if len(items) != 15 {
		t.Fatalf("%d listed items, want the fixture's 15", len(items))
	}
	for _, it := range items {
		t.Run(filepath.Base(it.URL), func(t *testing.T) {
			body := readPage(t, it.URL)
			a, err := site.ParseListed(body, it.URL, "text/html", it)
			if err != nil {
				t.Fatal(err)
			}
			// A PDF-only page's text is its PDFs', as the crawl reads it.
			files := map[string][]byte{}
			for _, u := range site.TextFiles(a, body) {
				files[u] = readPage(t, u)
			}
			if warns := site.ReadFiles(a, files); len(warns) > 0 {
				t.Fatal(warns)
			}
			got, _ := json.MarshalIndent(a, "", "  ")
			name := filepath.Join(goldenDir, strings.TrimSuffix(strings.TrimSuffix(filepath.Base(it.URL), ".shtml"), ".html")+".golden.json")
			golden.Check(t, name, append(got, '\n'), *update, "go test ./site/s12309 -update")
		})
	}
}

// A page holding its text reads the same without its record, but for
// what only the record says (the time of a day the page gives alone); a
// page without text is refused, named.
func TestSite_ParseArticle_WithoutRecord(t *testing.T) {
	for _, it := range listed(t) {
		body := readPage(t, it.URL)
		withRec, err := site.ParseListed(body, it.URL, "text/html", it)
		if err != nil {
			t.Fatal(err)
		}
		a, err := site.ParseArticle(body, it.URL, "text/html")
		switch withRec.ID {
		case "12309-9000060": // its text is only in the record
			if !errors.Is(err, extract.ErrEmptyBody) || !strings.Contains(err.Error(), it.URL) {
				t.Errorf("%s without its record: %v, want ErrEmptyBody naming the page", it.URL, err)
			}
			continue
		case "12309-9000081": // a PDF viewer: the PDF kept, the text only in the record
			if err != nil || len(a.Paragraphs) != 0 || len(a.Attachments) != 1 {
				t.Errorf("%s without its record: %v, %v", it.URL, a, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", it.URL, err)
		}
		if a.ContentHash != withRec.ContentHash || a.Channel != withRec.Channel || a.Source != withRec.Source {
			t.Errorf("%s: without its record %q %q, with it %q %q", it.URL, a.Channel, a.Source, withRec.Channel, withRec.Source)
		}
		if a.PublishedAt.Format("2006-01-02") != withRec.PublishedAt.Format("2006-01-02") {
			t.Errorf("%s: published %s without its record, %s with it", it.URL, a.PublishedAt, withRec.PublishedAt)
		}
	}
}

func TestSite_ParseNav(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(siteDir, "12309/gj/zjxflws/index.shtml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := site.ParseNav(body, site.HomeURL(), "text/html")
	if err != nil {
		t.Fatal(err)
	}
	if want := site.Channels(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ParseNav:\ngot  %v\nwant %v", got, want)
	}
	if _, err := site.ParseNav([]byte("<html><body><p>x</p></body></html>"), site.HomeURL(), "text/html"); !errors.Is(err, extract.ErrUnknownLayout) {
		t.Errorf("a page without the sidebar: %v, want ErrUnknownLayout", err)
	}
}
