package trs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/extract"
)

func TestSite_ParseList(t *testing.T) {
	for _, c := range []struct {
		host, path                  string
		page, count, items          int
		firstURL, firstTitle, page2 string
	}{
		// createPageHTML(3, 0, …): counting from 0, page 2 is index_1; a title cut with "..." completed from its title.
		{"www.gd.jcy.gov.cn", "/tzgg/index.shtml", 1, 3, 3, "https://www.gd.jcy.gov.cn/tzgg/202606/t20260611_7770799.shtml",
			"广东省人民检察院2026年考试录用公务员拟录用人员名单公示", "https://www.gd.jcy.gov.cn/tzgg/index_1.shtml"},
		{"www.gd.jcy.gov.cn", "/tzgg/index_2.shtml", 3, 3, 2, "https://www.gd.jcy.gov.cn/tzgg/202506/t20250619_7003455.shtml",
			"广东省横琴粤澳深度合作区人民检察院2025年考试录用公务员拟录用人员名单公示", "https://www.gd.jcy.gov.cn/tzgg/index_1.shtml"},
		// GB2312, ul.artlist with "…", var countPage.
		{"www.hbjc.gov.cn", "/jcyw/index.shtml", 1, 2, 2, "https://www.hbjc.gov.cn/jcyw/202005/t20200508_215530.shtml",
			"省检察院召开党组会议 研究部署疫情防控常态化下检察工作", "https://www.hbjc.gov.cn/jcyw/index_1.shtml"},
	} {
		t.Run(c.host+c.path, func(t *testing.T) {
			s := mustSite(t, c.host)
			body, err := os.ReadFile(filepath.Join(sitesDir, c.host, c.path))
			if err != nil {
				t.Fatal(err)
			}
			l, err := s.ParseList(body, s.Origin()+c.path, "")
			if err != nil {
				t.Fatal(err)
			}
			if l.Page != c.page || l.PageCount != c.count || len(l.Items) != c.items {
				t.Fatalf("page %d of %d, %d items; want %d of %d, %d", l.Page, l.PageCount, len(l.Items), c.page, c.count, c.items)
			}
			if it := l.Items[0]; it.URL != c.firstURL || it.Title != c.firstTitle || it.Date.IsZero() {
				t.Errorf("first item %+v, want %s %q dated", it, c.firstURL, c.firstTitle)
			}
			if len(l.PageURLs) < 2 || l.PageURLs[1] != c.page2 {
				t.Errorf("page URLs %q, want page 2 %s", l.PageURLs, c.page2)
			}
			if got := s.ListPageURL(l.ChannelPath, 2); got != c.page2 {
				t.Errorf("ListPageURL(2) = %s, want %s", got, c.page2)
			}
		})
	}
}

// A pager that counts from 1 on the first page (spp.gov.cn's form of the
// call) makes page 2 index_2, from then on.
func TestSite_ParseList_PagerFromOne(t *testing.T) {
	s := mustSite(t, "www.example.jcy.gov.cn")
	page := `<html><head><meta charset="utf-8"><title>要闻_某院</title></head><body><ul>
<li><a href="./202601/t20260105_100.shtml">甲</a><span>2026-01-05</span></li></ul>
<script>createPageHTML('page_div',4, 1,'index','shtml',31);</script></body></html>`
	if got, want := s.ListPageURL("/yw/", 2), "https://www.example.jcy.gov.cn/yw/index_1.shtml"; got != want {
		t.Errorf("before page 1: %s, want the convention %s", got, want)
	}
	l, err := s.ParseList([]byte(page), "https://www.example.jcy.gov.cn/yw/index.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 31 || l.PageCount != 4 || l.Channel != "要闻" {
		t.Errorf("total %d, pages %d, channel %q", l.Total, l.PageCount, l.Channel)
	}
	if got, want := s.ListPageURL("/yw/", 2), "https://www.example.jcy.gov.cn/yw/index_2.shtml"; got != want {
		t.Errorf("ListPageURL(2) = %s, want %s", got, want)
	}
}

func TestSite_ParseList_NotList(t *testing.T) {
	s := mustSite(t, "www.gd.jcy.gov.cn")
	_, err := s.ParseList([]byte(`<html><body><p>机构设置</p><a href="/tzgg/">通知公告</a></body></html>`), "https://www.gd.jcy.gov.cn/jgsz/", "")
	if !errors.Is(err, extract.ErrNotList) || !strings.Contains(err.Error(), "https://www.gd.jcy.gov.cn/jgsz/") {
		t.Errorf("err %v, want ErrNotList naming the page", err)
	}
}

// The real 通知公告 list of www.gd.jcy.gov.cn: 30 items in table rows, the
// navigation's article links (省院概况) not among them, var countPage = 2
// with currentPage 0.
func TestSite_ParseList_RealGD(t *testing.T) {
	body, err := os.ReadFile("../../../shared/realpages/gd-jcy-tzgg-list-index.utf8.html")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared/realpages absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	s := mustSite(t, "www.gd.jcy.gov.cn")
	// This copy is UTF-8 text of a page that declares gb2312: say so.
	body = []byte(strings.Replace(string(body), "charset=gb2312", "charset=utf-8", 1))
	l, err := s.ParseList(body, "https://www.gd.jcy.gov.cn/tzgg/index.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 30 || l.PageCount != 2 || l.Channel != "通知公告" {
		t.Fatalf("%d items, %d pages, channel %q", len(l.Items), l.PageCount, l.Channel)
	}
	if l.Items[0].URL != "https://www.gd.jcy.gov.cn/tzgg/202606/t20260611_7770799.shtml" || l.PageURLs[1] != "https://www.gd.jcy.gov.cn/tzgg/index_1.shtml" {
		t.Errorf("first item %s, page 2 %s", l.Items[0].URL, l.PageURLs[1])
	}
	for _, it := range l.Items {
		if !strings.HasPrefix(it.URL, "https://www.gd.jcy.gov.cn/tzgg/") {
			t.Errorf("item off the channel: %s", it.URL)
		}
	}
	chans, err := s.ParseNav(body, "https://www.gd.jcy.gov.cn/tzgg/index.shtml", "")
	if err != nil || len(chans) < 10 {
		t.Fatalf("navigation: %d channels, %v", len(chans), err)
	}
}

// A channel whose list links articles kept in other folders lists them,
// not the navigation's article links.
func TestSite_ParseList_OtherFolders(t *testing.T) {
	s := mustSite(t, "www.example.jcy.gov.cn")
	page := `<html><head><meta charset="utf-8"><title>专题_某院</title></head><body>
<ul id="navMenu"><li><a href="/gk/202001/t20200101_1.shtml">本院概况</a></li></ul>
<table><tr><td><a href="/jcyw/202601/t20260105_100.shtml">甲</a></td><td>2026-01-05</td></tr>
<tr><td><a href="/gggs/202601/t20260106_101.shtml">乙</a></td><td>2026-01-06</td></tr></table></body></html>`
	l, err := s.ParseList([]byte(page), "https://www.example.jcy.gov.cn/zt/index.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 2 || l.Items[0].Title != "甲" || l.Items[1].URL != "https://www.example.jcy.gov.cn/gggs/202601/t20260106_101.shtml" {
		t.Errorf("items %+v", l.Items)
	}
}

// A channel folder with _ in its name is no page number.
func TestSite_ParseList_FolderWithUnderscore(t *testing.T) {
	s := mustSite(t, "www.example.jcy.gov.cn")
	page := `<html><body><ul><li><a href="./202601/t20260105_100.shtml">甲</a></li></ul><script>createPageHTML(3, 1, "index", "shtml");</script></body></html>`
	l, err := s.ParseList([]byte(page), "https://www.example.jcy.gov.cn/xw_dt/", "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Page != 1 || s.ListPageURL("/xw_dt/", 2) != "https://www.example.jcy.gov.cn/xw_dt/index_2.shtml" {
		t.Errorf("page %d, page 2 %s", l.Page, s.ListPageURL("/xw_dt/", 2))
	}
}

// A site of .html pages is asked for index.html: learnt from its home
// page's links, or from one of its URLs (the archive's articles).
func TestSite_Ext(t *testing.T) {
	s := mustSite(t, "www.sx.jcy.gov.cn")
	if got := s.ListPageURL("/jcxw/", 1); got != "https://www.sx.jcy.gov.cn/jcxw/index.shtml" {
		t.Errorf("before any page: %s, want the platform's index.shtml", got)
	}
	home := `<html><head><meta charset="gb2312"></head><body><div id="nav"><a href="/jcxw/">检察新闻</a></div>
<ul><li><a href="/jcxw/202305/t20230501_1001.html">甲</a></li><li><a href="http://www.other.gov.cn/a/202305/t20230501_1.shtml">乙</a></li></ul></body></html>`
	if _, err := s.ParseNav([]byte(home), "https://www.sx.jcy.gov.cn/", ""); err != nil {
		t.Fatal(err)
	}
	if got := s.ListPageURL("/jcxw/", 1); got != "https://www.sx.jcy.gov.cn/jcxw/index.html" {
		t.Errorf("after the home page: %s, want index.html", got)
	}
	s2 := mustSite(t, "www.sx.jcy.gov.cn")
	s2.Learn("https://www.other.gov.cn/x/202305/t20230501_1.html") // another site's: nothing
	if got := s2.Ext(); got != "shtml" {
		t.Errorf("after another host's URL: %s", got)
	}
	s2.Learn("https://www.sx.jcy.gov.cn/gsgg/202303/t20230301_998.jhtml")
	if got := s2.ListPageURL("/gsgg/", 2); got != "https://www.sx.jcy.gov.cn/gsgg/index_1.jhtml" {
		t.Errorf("after an article's URL: %s, want index_1.jhtml", got)
	}
}

// A list read at its folder's URL (a server redirected index.html there)
// numbers its pages with the site's extension.
func TestSite_ParseList_FolderURL(t *testing.T) {
	s := mustSite(t, "www.sx.jcy.gov.cn")
	s.Learn("https://www.sx.jcy.gov.cn/jcxw/202305/t20230501_1001.html")
	page := `<html><body><ul><li><a href="./202305/t20230501_1001.html">甲</a></li></ul><script>var currentPage = 0;var countPage = 2;</script></body></html>`
	l, err := s.ParseList([]byte(page), "https://www.sx.jcy.gov.cn/jcxw/", "")
	if err != nil {
		t.Fatal(err)
	}
	if l.PageURLs[1] != "https://www.sx.jcy.gov.cn/jcxw/index_1.html" || s.ListPageURL("/jcxw/", 2) != l.PageURLs[1] {
		t.Errorf("page 2 %s, ListPageURL %s", l.PageURLs[1], s.ListPageURL("/jcxw/", 2))
	}
}

// A home page with no article or index link teaches the extension of its
// other pages.
func TestSite_Ext_OtherPages(t *testing.T) {
	s := mustSite(t, "www.sx.jcy.gov.cn")
	home := `<html><body><div id="nav"><a href="/jcxw/">检察新闻</a><a href="/gywm/bygk.html">本院概况</a><a href="/lxwm.html">联系我们</a><a href="http://www.spp.gov.cn/x.shtml">最高检</a></div></body></html>`
	if _, err := s.ParseNav([]byte(home), "https://www.sx.jcy.gov.cn/", "text/html; charset=utf-8"); err != nil {
		t.Fatal(err)
	}
	if got := s.Ext(); got != "html" {
		t.Errorf("Ext = %s, want html", got)
	}
}
