package publish_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"sppcrawl/publish"
)

// A cell that a spreadsheet would run as a formula starts with a quote.
func TestExport_CSVInjection(t *testing.T) {
	db, _ := openTestDB(t)
	a := testArticle(1)
	a.Title = `=HYPERLINK("http://evil.example.com","点此")`
	a.Source = "@SUM(A1:A9)"
	a.Author = "+1"
	a.Editor = "-2+3"
	a.Paragraphs = []string{"\tTAB", "正常的段落"}
	a.ContentHash = a.ComputeHash()
	if _, err := db.Upsert(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := publish.Export(context.Background(), db, &buf, publish.ExportOptions{Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, col := range rows[0] {
		cell := rows[1][i]
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %s begins with %q: %q", col, cell[0], cell)
		}
	}
	if got := rows[1][5]; got != `'=HYPERLINK("http://evil.example.com","点此")` {
		t.Errorf("title cell %q", got)
	}
}

// Control characters stored by an older release never make a feed
// ill-formed XML.
func TestFeeds_ControlCharacters(t *testing.T) {
	db, _ := openTestDB(t)
	a := testArticle(2)
	a.Title = "标题\x1b]0;pwned\x07"
	a.BodyHTML = "<p>正文\x1b[31m红\x0b</p>"
	a.Paragraphs = []string{"正文\x1b[31m红"}
	a.ContentHash = a.ComputeHash()
	if _, err := db.Upsert(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	srv := apiTestServer(t, db)
	for _, path := range []string{"/feed.rss", "/feed.atom"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", path, err)
			}
		}
		f, err := gofeed.NewParser().ParseString(string(body))
		if err != nil || len(f.Items) != 1 || strings.ContainsAny(f.Items[0].Title, "\x1b\x07") {
			t.Errorf("%s: %v %+v", path, err, f)
		}
	}
}

// --public-url takes only an absolute http(s) URL, and is escaped where it
// is written.
func TestParsePublicURL(t *testing.T) {
	for _, bad := range []string{`https://ex.org/"><script>alert(1)</script>`, "javascript:alert(1)//", "//ex.org", "ex.org/spp", "https://ex.org/?x=1"} {
		if _, err := publish.ParsePublicURL(bad); err == nil {
			t.Errorf("ParsePublicURL(%q) accepted", bad)
		}
	}
	for _, good := range []string{"", "https://example.org/spp", "http://127.0.0.1:8080"} {
		if _, err := publish.ParsePublicURL(good); err != nil {
			t.Errorf("ParsePublicURL(%q): %v", good, err)
		}
	}
}

// A cursor past the newest seq is answered with the newest; an id sent
// 10 KB long is echoed cut.
func TestServe_CursorAndLongParameters(t *testing.T) {
	db, _ := openTestDB(t)
	seed(t, db, 0, 3)
	srv := apiTestServer(t, db)
	if p := getPage(t, srv.URL+"/api/articles?since=99"); p.NextSince != 3 || len(p.Articles) != 0 {
		t.Errorf("since past the newest: next %d, %d articles", p.NextSince, len(p.Articles))
	}
	resp, err := http.Get(srv.URL + "/api/articles/" + strings.Repeat("x", 10000))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || len(body) > 400 {
		t.Errorf("a 10 KB id: %d, %d bytes of answer", resp.StatusCode, len(body))
	}
}
