package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"sppcrawl/extract"
)

func seedPages(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(pagesDir, "*.html"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("<div id=fontzoom><p>\xff\xfe</div>"))
	f.Add([]byte("<ul class=li_line><li><a href='//x'>a</a></li></ul><script>createPageHTML('page_div',0, 0,'index','shtml',0)</script>"))
}

func FuzzParseArticle(f *testing.F) {
	seedPages(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := sppSite.ParseArticle(b, "https://www.spp.gov.cn/spp/tt/202401/t20240105_1.shtml", "")
		if err != nil {
			return
		}
		for _, s := range append([]string{a.Title, a.Kicker, a.Subtitle, a.Source, a.Author, a.Editor, a.BodyHTML}, a.Paragraphs...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in output: %q", s)
			}
			// No control character reaches a field (TAB and LF only as the
			// source's white space between blocks of body_html).
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
				t.Fatalf("a control character in output: %q", s)
			}
		}
		for _, p := range a.Paragraphs {
			if p == "" || p != extract.NormalizeText(p) {
				t.Fatalf("paragraph not normalised: %q", p)
			}
		}
		checkArticle(t, "fuzz input", a)
	})
}

func FuzzParseList(f *testing.F) {
	seedPages(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := sppSite.ParseList(b, "https://www.spp.gov.cn/spp/jczdal/index.shtml", "")
		if err != nil {
			return
		}
		if l.PageCount < 1 || len(l.PageURLs) != l.PageCount {
			t.Fatalf("page count %d with %d urls", l.PageCount, len(l.PageURLs))
		}
		for _, it := range l.Items {
			if !utf8.ValidString(it.Title) || !utf8.ValidString(it.URL) {
				t.Fatalf("invalid UTF-8 in %+v", it)
			}
		}
	})
}
