package extract_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sppcrawl/extract"
)

func TestReadBody(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<div id="b"><p>第一段。</p><p>第二段<img src="../img/a.jpg" alt="图"></p><p><a href="/f/x.pdf">附件</a></p></div>`))
	if err != nil {
		t.Fatal(err)
	}
	root := doc.FirstChild.LastChild.FirstChild // html > body > div
	b := extract.ReadBody(root, "https://www.gd.jcy.gov.cn/tzgg/202606/t20260611_7770799.shtml")
	if got, want := strings.Join(b.Paragraphs, "|"), "第一段。|第二段|附件"; got != want {
		t.Errorf("paragraphs %q, want %q", got, want)
	}
	if len(b.Images) != 1 || b.Images[0].URL != "https://www.gd.jcy.gov.cn/tzgg/img/a.jpg" {
		t.Errorf("images %+v", b.Images)
	}
	if len(b.Attachments) != 1 || b.Attachments[0].URL != "https://www.gd.jcy.gov.cn/f/x.pdf" {
		t.Errorf("attachments %+v", b.Attachments)
	}
	if !strings.Contains(b.HTML, "<p>第一段。</p>") {
		t.Errorf("html %q", b.HTML)
	}
}
