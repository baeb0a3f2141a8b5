package extract_test

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sppcrawl"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssVectors are known ways to get script past a sanitiser: scheme tricks,
// event handlers, smuggled elements, parser confusion. Each is placed in the
// body of an otherwise ordinary article.
var xssVectors = []string{
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JavaScript:alert(1)">x</a>`,
	`<a href="  JaVaScRiPt:alert(1)">x</a>`,
	"<a href=\"java\tscript:alert(1)\">x</a>",
	"<a href=\"java\nscript:alert(1)\">x</a>",
	"<a href=\"\x01javascript:alert(1)\">x</a>",
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="VBSCRIPT:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="DATA:text/html,<script>alert(1)</script>">x</a>`,
	`<a href="livescript:alert(1)">x</a>`,
	`<a href="file:///etc/passwd">x</a>`,
	`<a href="ftp://evil.example/x.pdf">x</a>`,
	`<a href="http:alert(1)">x</a>`,
	`<a href="//evil.example/x">ok</a>`,
	`<a href="mailto:a@example.com?subject=x">mail</a>`,
	`<img src="JAVASCRIPT:alert(1)">`,
	`<img src="x" onerror="alert(1)">`,
	`<img src=x onerror=alert(1)//`,
	`<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">`,
	`<img oldsrc="javascript:alert(1)">`,
	`<img uploadpic="vbscript:x">`,
	`<img srcset="javascript:alert(1) 1x" src="/a.jpg">`,
	`<img src="/a.jpg" style="background:url(javascript:alert(1))">`,
	`<p style="text-align:center;background-image:url(javascript:alert(1))">centred</p>`,
	`<p style="text-align:center" onclick="alert(1)">centred</p>`,
	`<p onmouseover="alert(1)">hover</p>`,
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<svg onload=alert(1)><circle r=1></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<input onfocus=alert(1) autofocus>`,
	`<details open ontoggle=alert(1)>x</details>`,
	`<body onload=alert(1)>`,
	`<base href="javascript:alert(1)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<link rel=stylesheet href="javascript:alert(1)">`,
	`<style>@import 'javascript:alert(1)';</style>`,
	`<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)" onclick="x">cell</td></tr></table>`,
	`<div style="width: expression(alert(1));">ie</div>`,
	`<a href="https://www.spp.gov.cn/x" target="_blank" rel="opener" onclick="x">ok</a>`,
	`<blockquote cite="javascript:alert(1)">q</blockquote>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	"<a href=\"\u0000javascript:alert(1)\">x</a>",
	`<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>`,
	`<xss onafterscriptexecute=alert(1)><p>x</p></xss>`,
	`<template><script>alert(1)</script></template>`,
	`<h1 onclick=alert(1) id=x class=y>heading</h1>`,
	`<td colspan="2 onmouseover=alert(1)">cell</td>`,
	`<img src="/a.jpg" alt="x&quot; onerror=&quot;alert(1)">`,
}

// wrapBody puts html into the body of a real-shaped article page.
func wrapBody(tb testing.TB, body string) []byte {
	tb.Helper()
	page, err := os.ReadFile(filepath.Join(pagesDir, "detail-current.html"))
	if err != nil {
		tb.Fatal(err)
	}
	i := bytes.Index(page, []byte(`<div id="fontzoom">`))
	j := bytes.Index(page, []byte(`<div class="zrbj`))
	if i < 0 || j < 0 {
		tb.Fatal("detail-current.html lost its body markers")
	}
	var b bytes.Buffer
	b.Write(page[:i])
	b.WriteString(`<div id="fontzoom"><p>正文第一段。</p>` + body + "<p>正文最后一段。</p></div>\n")
	b.Write(page[j:])
	return b.Bytes()
}

// allowedAttrs is the contract of body_html: these elements, with these
// attributes, and nothing else.
var allowedAttrs = map[atom.Atom][]string{
	atom.P: nil, atom.Br: nil, atom.Strong: nil, atom.B: nil, atom.Em: nil, atom.I: nil, atom.U: nil,
	atom.H1: nil, atom.H2: nil, atom.H3: nil, atom.H4: nil, atom.H5: nil, atom.H6: nil,
	atom.Ul: nil, atom.Ol: nil, atom.Li: nil, atom.Table: nil, atom.Caption: nil, atom.Thead: nil, atom.Tbody: nil,
	atom.Tfoot: nil, atom.Tr: nil, atom.Th: {"colspan", "rowspan"}, atom.Td: {"colspan", "rowspan"},
	atom.Img: {"src", "alt"}, atom.A: {"href"}, atom.Blockquote: nil, atom.Figure: nil, atom.Figcaption: nil,
}

// safeScheme says whether a URL, read the way a browser reads it, is http,
// https or mailto.
func safeScheme(raw string) bool {
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	raw = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return true
	}
	return false
}

// checkBodyHTML re-parses body_html as a browser would and reports anything
// outside the contract.
func checkBodyHTML(t *testing.T, name, body string) {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		t.Fatalf("%s: body_html does not parse: %v", name, err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			allowed, ok := allowedAttrs[n.DataAtom]
			if !ok || n.Namespace != "" {
				t.Errorf("%s: element <%s> in body_html: %s", name, n.Data, body)
			}
			for _, a := range n.Attr {
				switch {
				case a.Namespace != "":
					t.Errorf("%s: namespaced attribute %s:%s", name, a.Namespace, a.Key)
				case a.Key == "style":
					if a.Val != "text-align:center" && a.Val != "text-align:right" {
						t.Errorf("%s: style %q", name, a.Val)
					}
				case !contains(allowed, a.Key):
					t.Errorf("%s: attribute %s on <%s>: %s", name, a.Key, n.Data, body)
				case (a.Key == "href" || a.Key == "src") && !safeScheme(a.Val):
					t.Errorf("%s: %s=%q is not http(s)/mailto", name, a.Key, a.Val)
				case a.Key == "src" && isMailto(a.Val):
					t.Errorf("%s: an image from %q", name, a.Val)
				}
			}
		case html.CommentNode, html.DoctypeNode:
			t.Errorf("%s: %v node in body_html", name, n.Type)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Errorf("%s: <script in body_html", name)
	}
	// An independent sanitiser with the same contract finds nothing to remove.
	if got, want := render(t, oracle.Sanitize(body)), render(t, body); got != want {
		t.Errorf("%s: bluemonday would change body_html\n ours: %s\noracle: %s", name, want, got)
	}
}

func isMailto(u string) bool { return strings.HasPrefix(strings.ToLower(u), "mailto:") }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// oracle is bluemonday configured with body_html's contract.
var oracle = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "b", "em", "i", "u", "h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "blockquote", "figure", "figcaption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowStyles("text-align").MatchingEnum("center", "right").Globally()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	return p
}()

// render normalises markup: parse as a fragment, render again.
func render(t *testing.T, s string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range nodes {
		html.Render(&b, n)
	}
	// bluemonday writes "text-align: center"; body_html the same without the space.
	return strings.ReplaceAll(b.String(), "text-align: ", "text-align:")
}

func checkArticle(t *testing.T, name string, a *sppcrawl.Article) {
	t.Helper()
	checkBodyHTML(t, name, a.BodyHTML)
	for _, im := range a.Images {
		if !safeScheme(im.URL) || isMailto(im.URL) {
			t.Errorf("%s: image URL %q", name, im.URL)
		}
	}
	for _, at := range a.Attachments {
		if !safeScheme(at.URL) {
			t.Errorf("%s: attachment URL %q", name, at.URL)
		}
	}
}

// Every known vector, alone and all together, comes out inert.
func TestSanitize_XSSVectors(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml"
	for _, v := range append(xssVectors, strings.Join(xssVectors, "\n")) {
		a, err := sppSite.ParseArticle(wrapBody(t, v), u, "")
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		checkArticle(t, v, a)
		if strings.Contains(strings.ToLower(a.BodyHTML), "javascript") || strings.Contains(strings.ToLower(a.BodyHTML), "vbscript") {
			t.Errorf("%q: a script scheme survives in %s", v, a.BodyHTML)
		}
	}
	// What is safe survives: links to the site, other hosts and mail.
	a, _ := sppSite.ParseArticle(wrapBody(t, `<a href="//evil.example/x">a</a><a href="mailto:a@example.com">m</a><a href="/spp/x.pdf">pdf</a>`), u, "")
	for _, want := range []string{`href="https://evil.example/x"`, `href="mailto:a@example.com"`, `href="https://www.spp.gov.cn/spp/x.pdf"`} {
		if !strings.Contains(a.BodyHTML, want) {
			t.Errorf("body_html lost %s: %s", want, a.BodyHTML)
		}
	}
}

// A cell keeps a span that is a whole number and loses any other (the fuzzer
// found colspan="1&quot;" kept, which bluemonday drops).
func TestSanitize_Spans(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml"
	body := `<table><tr><td colspan="2">a</td><td colspan='1"'>b</td><td rowspan=" 3">c</td><th rowspan="x">d</th><th rowspan="10">e</th><td colspan="">f</td></tr></table>`
	a, err := sppSite.ParseArticle(wrapBody(t, body), u, "")
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, "spans", a)
	for _, want := range []string{`<td colspan="2">a</td>`, `<td>b</td>`, `<td>c</td>`, `<th>d</th>`, `<th rowspan="10">e</th>`, `<td>f</td>`} {
		if !strings.Contains(a.BodyHTML, want) {
			t.Errorf("body_html lacks %s:\n%s", want, a.BodyHTML)
		}
	}
}

// The allowlist's whole table survives (caption and tfoot were web's
// alone once), a span too long for a browser is dropped, <math> goes with
// its content, and no image is taken from a mail address.
func TestSanitize_OnePolicy(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml"
	body := `<table><caption>表一</caption><tbody><tr><td rowspan="65534">a</td><td colspan="123456">b</td></tr></tbody>` +
		`<tfoot><tr><td>合计</td></tr></tfoot></table><p>公式<math><mi>x</mi></math>。<img src="mailto:a@example.com" alt="m"></p>`
	a, err := sppSite.ParseArticle(wrapBody(t, body), u, "")
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, "one policy", a)
	for _, want := range []string{`<caption>表一</caption>`, `<td rowspan="65534">a</td>`, `<td>b</td>`, `<tfoot><tr><td>合计</td></tr></tfoot>`, `<p>公式。</p>`} {
		if !strings.Contains(a.BodyHTML, want) {
			t.Errorf("body_html lacks %s:\n%s", want, a.BodyHTML)
		}
	}
	if len(a.Images) != 0 {
		t.Errorf("images %+v, want none", a.Images)
	}
}

// An image's URL is written out as a browser sends it: white space and
// bytes past ASCII percent-encoded in the path and the query alike (the
// fuzzer found a raw space kept in a query, which the oracle refuses).
func TestSanitize_URLsWithoutWhiteSpace(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml"
	body := `<p><img src="/spp/a b.jpg?x=1 2&y=中&z=<>"></p><p>正文。</p>`
	a, err := sppSite.ParseArticle(wrapBody(t, body), u, "")
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, "url", a)
	want := "https://www.spp.gov.cn/spp/a%20b.jpg?x=1%202&y=%E4%B8%AD&z=%3C%3E"
	if len(a.Images) != 1 || a.Images[0].URL != want || !strings.Contains(a.BodyHTML, `src="`+html.EscapeString(want)+`"`) {
		t.Errorf("images %+v, body %s; want %s", a.Images, a.BodyHTML, want)
	}
}

// The property over every page the fuzzers start from and every input they
// found worth keeping.
func TestSanitize_Corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(pagesDir, "*.html"))
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzParseArticle/*")
	checked := 0
	for _, name := range append(files, corpus...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(name, "testdata/fuzz/") {
			b = fuzzCorpusBytes(t, b)
		}
		a, err := sppSite.ParseArticle(b, "https://www.spp.gov.cn/spp/tt/202401/t20240105_1.shtml", "")
		if err != nil {
			continue
		}
		checked++
		checkArticle(t, name, a)
	}
	if checked < 10 {
		t.Errorf("only %d pages checked", checked)
	}
}

// fuzzCorpusBytes decodes a "go test fuzz v1" file holding one []byte.
func fuzzCorpusBytes(t *testing.T, b []byte) []byte {
	lines := strings.SplitN(string(b), "\n", 2)
	if len(lines) < 2 {
		return nil
	}
	v := strings.TrimSpace(lines[1])
	v = strings.TrimSuffix(strings.TrimPrefix(v, "[]byte("), ")")
	s, err := strconv.Unquote(v)
	if err != nil {
		t.Fatalf("corpus file: %v", err)
	}
	return []byte(s)
}
