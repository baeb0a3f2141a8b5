package extract_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"

	"sppcrawl/extract"
)

// Every page the site serves ends with its footer and </body></html>; an
// answer cut anywhere before that is incomplete, whatever it looks like.
func TestCheckComplete_CutEverywhere(t *testing.T) {
	pages := map[string][]byte{}
	for _, name := range []string{realDetail, "spp-jczdal-list-index.html"} {
		if b, err := os.ReadFile(filepath.Join(realDir, name)); err == nil {
			pages["real "+name] = b
		}
	}
	files, _ := filepath.Glob(filepath.Join(pagesDir, "*.html"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		pages[filepath.Base(f)] = b
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages", len(pages))
	}
	for name, b := range pages {
		if err := extract.CheckComplete(b, "", name); err != nil {
			t.Errorf("%s whole: %v", name, err)
		}
		for pct := 5; pct < 100; pct += 5 {
			cut := b[:len(b)*pct/100]
			err := extract.CheckComplete(cut, "", name)
			if !errors.Is(err, sppcrawl.ErrIncomplete) {
				t.Errorf("%s cut at %d%%: %v, want incomplete", name, pct, err)
			}
		}
	}
}

func TestCheckComplete_Cases(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(pagesDir, "detail-current.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	bodyEnd := strings.Index(s, `<div class="zrbj`)
	footer := strings.Index(s, `<div class="footer">`)
	for _, c := range []struct {
		name     string
		body     string
		complete bool
		where    string
	}{
		{"whole", s, true, ""},
		{"no final newline", strings.TrimRight(s, "\n"), true, ""},
		{"trailing garbage", s + "\x00\x1f<script>var x=1;</scr", true, ""},
		{"upper case end tags", strings.Replace(strings.Replace(s, "</body>", "</BODY>", 1), "</html>", "</HTML >", 1), true, ""},
		{"</body> only", s[:strings.LastIndex(s, "</html>")], true, ""},
		{"in the head", s[:300], false, "<head>"},
		{"in the navigation", s[:strings.Index(s, "检察业务")], false, "<nav>"},
		{"inside the body", s[:strings.Index(s, "第一百四十条")], false, `<div id="fontzoom">`},
		{"after the body, before the footer", s[:bodyEnd], false, `› <div class="detail_con"> after`},
		{"inside the footer", s[:footer+200], false, `<div class="footer">`},
		{"inside the end tag", s[:strings.LastIndex(s, "</body>")+4], false, ""},
		{"</body> in a comment", s[:bodyEnd] + "<!-- old footer </body></html> -->\n<div>", false, ""},
		{"</body> in an open comment", s[:bodyEnd] + "<!-- </body></html>", false, ""},
		{"</html> in a script", s[:bodyEnd] + "<script>document.write('</body></html>');", false, ""},
		{"</body> in a style", s[:bodyEnd] + "<STYLE>/* </body> */", false, ""},
	} {
		err := extract.CheckComplete([]byte(c.body), "text/html; charset=utf-8", "https://www.spp.gov.cn/x.shtml")
		switch {
		case c.complete && err != nil:
			t.Errorf("%s: %v, want complete", c.name, err)
		case !c.complete && !errors.Is(err, sppcrawl.ErrIncomplete):
			t.Errorf("%s: %v, want incomplete", c.name, err)
		case !c.complete && !strings.Contains(err.Error(), c.where):
			t.Errorf("%s: %q does not say %q", c.name, err, c.where)
		}
	}
}

// A cut page is never taken for an article, nor for another kind of page.
func TestParseArticle_CutIsIncomplete(t *testing.T) {
	b := readRealOrFixture(t)
	for pct := 5; pct < 100; pct += 5 {
		_, err := sppSite.ParseArticle(b[:len(b)*pct/100], "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml", "")
		if !errors.Is(err, sppcrawl.ErrIncomplete) {
			t.Errorf("cut at %d%%: %v", pct, err)
		}
	}
}
