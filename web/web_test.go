package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sppcrawl/internal/searchtest"
	"sppcrawl/web"
)

func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// Every page kind answers, in Chinese, under the CSP, with what it must
// show; unknown ids, versions and paths are 404 pages; bad parameters 400
// pages with the reason; never a Go error.
func TestPages(t *testing.T) {
	srv, _ := newSite(t)
	for _, tc := range []struct {
		path string
		code int
		want []string
	}{
		{"/", 200, []string{`lang="zh-CN"`, "最高人民检察院发布档案", "近 7 天更正或撤下的文章", "已撤下", "更正为第 3 版"}},
		{"/search?q=" + url.QueryEscape("第一段"), 200, []string{"条结果", "<mark>第一段</mark>", "下载全部结果", "format=csv"}},
		{"/search?channel=jczdal", 200, []string{"指导性案例", "最高人民检察院第五十七批指导性案例"}},
		{"/search?q=" + url.QueryEscape("第一段") + "&from=2001&to=2001", 200, []string{"<strong>0</strong> 条结果。不限频道、日期和类型：<a href=\"/search?q=%E7%AC%AC%E4%B8%80%E6%AE%B5\">7 条结果</a>"}},
		{"/search?q=" + url.QueryEscape("没有这样的文字"), 200, []string{"<strong>0</strong> 条结果。每个词都须逐字出现"}},
		{"/search", 200, []string{"查询语法"}},
		{"/articles/" + corrected, 200, []string{"最高检发布第1批指导性案例", "来源：", "原文链接", "第 3 版", "看改动", "转载用 HTML",
			"存档副本的地址以 http://127.0.0.1:", "取自本次访问的网址；在反向代理后面，请给 serve 设 --public-url"}},
		{"/articles/" + corrected + "/diff", 200, []string{"第 2 版 → 第 3 版的改动"}},
		{"/articles/" + withCases + "/diff", 200, []string{"只有一版，没有可比较的版本", `<a href="/articles/` + withCases + `">看文章</a>`}},
		{"/articles/" + withCases + "/diff?from=1&to=2", 200, []string{"只有一版，没有可比较的版本"}},
		{"/articles/" + corrected + "/versions/1", 200, []string{"这是第 1 版", "看当前的第 3 版"}},
		{"/articles/" + corrected + "/diff?from=1&to=2", 200, []string{"<ins>", "<del>", "改动 1/"}},
		{"/articles/" + corrected + "/diff?from=1&to=3&whole=1", 200, []string{"只看改动"}},
		{"/articles/" + withCases, 200, []string{"检例第257号", "陈某抢劫再审抗诉案", `href="/search?q=keyword%3A%E5%86%8D%E5%AE%A1%E6%8A%97%E8%AF%89"`, "要旨"}},
		{"/articles/" + document, 200, []string{"高检发释字〔2026〕1号", "施行"}},
		{"/articles/" + withdrawn, 200, []string{"此文已被原发布网站撤下"}},
		{"/channels", 200, []string{"频道", "已存"}},
		{"/cases", 200, []string{"检例第257号", "再审抗诉"}},
		{"/cases?keyword=" + url.QueryEscape("抢劫"), 200, []string{"关键词：抢劫", "陈某抢劫再审抗诉案"}},
		{"/documents", 200, []string{"30 天内施行", "关于办理涉案财物案件若干问题的规定", "10 天后"}},
		{"/articles/spp-404", 404, []string{"不在档案中"}},
		{"/articles/..%2f..%2fetc", 404, []string{"没有这篇文章"}},
		{"/articles/" + corrected + "/versions/9", 404, []string{"没有第 9 版"}},
		{"/articles/" + corrected + "/diff?from=1&to=9", 404, []string{"没有第 9 版"}},
		{"/articles/" + corrected + "/diff?from=x", 400, []string{"参数 from：「x」不是版本号"}},
		{"/articles/" + corrected + "/diff?from=2&to=2", 400, []string{"同一版"}},
		{"/search?q=" + url.QueryEscape(`"未闭合`), 400, []string{"查询有误：第 1 个字符处的引号没有闭合"}},
		{"/search?q=%E7%AC%AC&from=nope", 400, []string{"查询有误：发布自「nope」不是日期"}},
		{"/search?q=%E7%AC%AC&from=2025-02&to=2025-01", 400, []string{"查询有误：发布自 2025-02 晚于发布至 2025-01"}},
		{"/search?q=" + url.QueryEscape("a OR"), 400, []string{"查询有误：第 3 个字符处的 OR 后面没有词"}},
		{"/search?q=%E7%AC%AC&sort=best", 400, []string{"查询有误：排序「best」无效：应为 newest、oldest、relevance"}},
		{"/search?channel=nope", 404, []string{"没有这个频道"}},
		{"/search?channel=tt&before=x", 400, []string{"参数 before：「x」不是时间"}},
		{"/search?q=%E7%AC%AC&has=x", 400, []string{"查询有误：附带「x」无效"}},
		{"/cases?page=0", 400, []string{"参数 page：「0」不是页码"}},
		{"/nowhere", 404, []string{"没有这个页面"}},
		{"/api/nowhere", 404, []string{`"error"`}},
	} {
		code, body, h := get(t, srv.URL+tc.path)
		if code != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, code, tc.code)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in the page", tc.path, w)
			}
		}
		if strings.HasPrefix(tc.path, "/api/") {
			continue
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tc.path)
		}
		for _, bad := range []string{"goroutine ", ".go:", "runtime error"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: the page shows %q", tc.path, bad)
			}
		}
	}
}

// What comes from the site or the visitor is text, never markup: a
// hostile title, a hostile body (script, handlers, javascript: links,
// frames) and a hostile query string.
func TestPages_Escaping(t *testing.T) {
	srv, _ := newSite(t)
	_, page, _ := get(t, srv.URL+"/articles/"+hostile)
	for _, bad := range []string{"<script>alert", "<img src=x", "onclick", "javascript:", "<iframe", "evil.example", `style="`} {
		if strings.Contains(page, bad) {
			t.Errorf("article page holds %q", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;", `class="ta-c"`, "[图片：未存档的图，未存档]", "危险的正文。"} {
		if !strings.Contains(page, good) {
			t.Errorf("article page lacks %q", good)
		}
	}
	q := `"><script>alert(5)</script>`
	for _, path := range []string{"/search?q=" + url.QueryEscape(q), "/search?q=%E7%AC%AC&from=" + url.QueryEscape(q), "/cases?keyword=" + url.QueryEscape(q)} {
		_, body, _ := get(t, srv.URL+path)
		if strings.Contains(body, "<script>alert(5)") {
			t.Errorf("%s: the query string is echoed as markup", path)
		}
	}
	_, home, _ := get(t, srv.URL+"/")
	if strings.Contains(home, "<script>alert(") {
		t.Error("home page: a title is written as markup")
	}
}

// A result whose title matched shows the title with its match marked, not
// the title again as a snippet under it; a title that did not match is
// plain text. Either way a hostile title is text, never markup.
func TestSearchPage_TitleMarked(t *testing.T) {
	srv, _ := newSite(t)
	for _, c := range []struct {
		query, heading string
	}{
		{"title:标题", `&lt;img src=x onerror=alert(1)&gt;<mark>标题</mark></a>`},
		{"危险的正文", `&lt;img src=x onerror=alert(1)&gt;标题</a>`},
	} {
		_, page, _ := get(t, srv.URL+"/search?q="+url.QueryEscape(c.query))
		if !strings.Contains(page, c.heading) {
			t.Errorf("%s: no heading %q in the page", c.query, c.heading)
		}
		if strings.Contains(page, `class="snippet">&lt;script&gt;`) || strings.Contains(page, "<script>alert") {
			t.Errorf("%s: the title is repeated as a snippet, or written as markup", c.query)
		}
	}
}

// A page answers 304 to its own ETag.
func TestPages_ETag(t *testing.T) {
	srv, _ := newSite(t)
	_, _, h := get(t, srv.URL+"/articles/"+corrected)
	req, _ := http.NewRequest("GET", srv.URL+"/articles/"+corrected, nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h.Get("ETag") == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("ETag %q: %d, want 304", h.Get("ETag"), resp.StatusCode)
	}
}

// TestSearchPage_DamagedIndex: the search page over a damaged index file
// answers 503 saying the index is being made again (no 500, no raw error).
func TestSearchPage_DamagedIndex(t *testing.T) {
	db, ix := searchtest.Damaged(t, 60)
	srv := httptest.NewServer(web.New(db, web.Options{Index: ix, Version: "test"}).Handler())
	defer srv.Close()
	code, body, h := get(t, srv.URL+"/search?q="+url.QueryEscape("检察院"))
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, "搜索索引损坏") || strings.Contains(body, "malformed") {
		t.Errorf("%d:\n%s", code, body)
	}
}
