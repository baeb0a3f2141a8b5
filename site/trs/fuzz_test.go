package trs_test

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no page, however hostile, makes a parser panic.
func FuzzParse(f *testing.F) {
	for host, paths := range detailPages(f) {
		for _, p := range append(paths, "/index.html") {
			if b, err := os.ReadFile(filepath.Join(sitesDir, host, p)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`<html><body><!--正文开始--><p>x</p></body></html>`))
	s := mustSite(f, "www.hbjc.gov.cn")
	f.Fuzz(func(t *testing.T, b []byte) {
		u := "https://www.hbjc.gov.cn/jcyw/202005/t20200508_215530.shtml"
		_, _ = s.ParseArticle(b, u, "")
		_, _ = s.ParseList(b, "https://www.hbjc.gov.cn/jcyw/index.shtml", "")
		_, _ = s.ParseNav(b, "https://www.hbjc.gov.cn/", "")
		_ = s.PageKind(b, "text/html; charset=gbk")
	})
}
