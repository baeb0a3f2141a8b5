package s12309_test

import (
	"errors"
	"testing"

	"sppcrawl"
	"sppcrawl/extract"
)

// Detail pages in forms the fixture's do not take: what the evidence
// leaves open.
func TestSite_ParseListed_Forms(t *testing.T) {
	const u = "https://www.12309.gov.cn/12309/gj/hlj/qths/xxq/zjxflws/202412/t20241204_77.shtml"
	rec := sppcrawl.ListItem{URL: u, Record: []byte(`{"kind":"起诉书","channel":"/12309/gj/zjxflws/qss/","hit":{"title":"起诉书（<em>甲</em>某案）","publishedTimeStr":"2024-12-04T10:30:00+08:00"}}`)}
	for _, c := range []struct {
		name, page               string
		item                     sppcrawl.ListItem
		title, source, published string
		paras                    int
	}{
		{"title and info line in one element",
			`<html><body><div class="detail_tit">起诉书（芦某某危险驾驶案）来源：新兴区院 作者： 编辑： 时间：2024-12-04 字体：【 大 中 小 】</div><div id="article-body"><p>起诉书</p><p>2024年9月10日</p></div></body></html>`,
			rec, "起诉书（芦某某危险驾驶案）", "新兴区院", "2024-12-04T10:30:00+08:00", 2},
		{"no title element: the record's, its tags dropped",
			`<html><head><title>起诉书_中国检察网</title></head><body><div class="detail_con"><p>正文</p></div></body></html>`,
			rec, "起诉书（甲某案）", "", "2024-12-04T10:30:00+08:00", 1},
		{"the publish-date meta's time over the record's",
			`<html><head><meta name="PubDate" content="2024-12-04 09:05"></head><body><div class="detail_tit">起诉书</div><div class="extend">时间：2024-12-04</div><div id="zoom"><p>正文</p></div></body></html>`,
			rec, "起诉书", "", "2024-12-04T09:05:00+08:00", 1},
		{"no title element, no record: the <title>",
			`<html><head><title>起诉书（乙某案）_中国检察网</title></head><body><div class="detail_con"><p>正文</p></div></body></html>`,
			sppcrawl.ListItem{}, "起诉书（乙某案）", "", "2024-12-04T00:00:00+08:00", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := site.ParseListed([]byte(c.page), u, "text/html", c.item)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != c.title || a.Source != c.source || a.PublishedAt.Format("2006-01-02T15:04:05-07:00") != c.published || len(a.Paragraphs) != c.paras {
				t.Errorf("title %q, source %q, published %s, %d paragraphs; want %q, %q, %s, %d",
					a.Title, a.Source, a.PublishedAt.Format("2006-01-02T15:04:05-07:00"), len(a.Paragraphs), c.title, c.source, c.published, c.paras)
			}
		})
	}
}

func TestSite_ParseListed_Refused(t *testing.T) {
	for name, c := range map[string]struct {
		url, page string
		want      error
	}{
		"not a detail URL": {"https://www.12309.gov.cn/12309/gj/zjxflws/index.shtml", "<html><body><p>x</p></body></html>", extract.ErrNotArticle},
		"not HTML":         {"https://www.12309.gov.cn/12309/gj/x/202412/t20241204_1.shtml", `{"code":200}`, extract.ErrUnknownLayout},
		"no title":         {"https://www.12309.gov.cn/12309/gj/x/202412/t20241204_1.shtml", "<html><body><p>x</p></body></html>", extract.ErrUnknownLayout},
		"off the site":     {"https://www.example.com/12309/gj/x/202412/t20241204_1.shtml", "<html></html>", sppcrawl.ErrOffSite},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := site.ParseListed([]byte(c.page), c.url, "text/html", sppcrawl.ListItem{})
			if !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}
