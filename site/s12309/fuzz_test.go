package s12309_test

import (
	"os"
	"path/filepath"
	"testing"

	"sppcrawl"
)

// FuzzParseList: no answer of the service makes the parser panic, and
// what it lists are detail URLs of the site.
func FuzzParseList(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(siteDir, "getFileListByPage", "*-*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, 1)
		}
	}
	f.Add([]byte(`{"results":{"hits":{"total":{"value":"7"},"hits":[{"_source":{"url":"//evil.example/t20240101_1.shtml"}}]}}}`), 2)
	f.Fuzz(func(t *testing.T, body []byte, page int) {
		l, err := site.ParseList(body, site.ListPageURL(qss, max(1, page%100)), "application/json")
		if err != nil {
			return
		}
		for _, it := range l.Items {
			if _, err := site.CanonicalURL(it.URL); err != nil {
				t.Errorf("item %q off the site: %v", it.URL, err)
			}
		}
		if l.PageCount < l.Page {
			t.Errorf("page %d of %d", l.Page, l.PageCount)
		}
	})
}

// FuzzParseListed: no page with no record makes the detail parser panic.
func FuzzParseListed(f *testing.F) {
	for _, it := range listed(f) {
		f.Add(readPage(f, it.URL), string(it.Record))
	}
	f.Add([]byte(`<html><head><title>x</title></head><body><h1>标题 来源：甲</h1></body></html>`), `{"hit":{"_source":1}}`)
	f.Add([]byte(`<html><body><div id="pdf-container"></div><script>u="/minioweb/a.pdf"</script></body></html>`), `{"hit":{"content":"<p>a</p>"}}`)
	f.Fuzz(func(t *testing.T, body []byte, rec string) {
		u := "https://www.12309.gov.cn/12309/gj/bj/zjxflws/202412/t20241204_1.shtml"
		_, _ = site.ParseListed(body, u, "text/html", sppcrawl.ListItem{URL: u, Record: []byte(rec)})
	})
}
