package extract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"

	"sppcrawl"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const titleSuffix = "_中华人民共和国最高人民检察院"

var (
	createPageRE = regexp.MustCompile(`createPageHTML\(\s*'[^']*'\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*'([^']*)'\s*,\s*'([^']*)'\s*,\s*(\d+)\s*\)`)
	editorRE     = regexp.MustCompile(`责任编辑\s*[：:]\s*([^\]］】]*)`)
)

// ParseArticle extracts the article of an HTML page of the parser's site.
// pageURL is where the page was fetched from (any form the layout's
// CanonicalURL accepts); when empty, the URL is taken
// from the page itself (canonical link, og:url, or rebuilt from its channel,
// date and manuscriptId). contentType is the HTTP header, if any.
//
// Errors are *sppcrawl.PageError wrapping ErrNotArticle (a page of another
// known kind), ErrUnknownLayout, ErrChallenge, ErrEmptyBody,
// sppcrawl.ErrIncomplete (cut short) or sppcrawl.ErrOffSite.
func (pr Parser) ParseArticle(body []byte, pageURL, contentType string) (*sppcrawl.Article, error) {
	name := pageURL // "" until known: the caller names the input then
	doc, utf8Body, err := parseHTML(body, contentType, name, ErrNotArticle)
	if err != nil {
		return nil, err
	}
	p := newPage(doc, utf8Body)
	p.site = pr

	tpl := p.findTemplate()
	if tpl.body == nil {
		if why := p.looksLikeNonArticle(); why != "" {
			return nil, pageErr(name, ErrNotArticle, why)
		}
		return nil, pageErr(name, ErrUnknownLayout, "no article title, date and body found")
	}

	a := &sppcrawl.Article{}
	if err := p.resolveURL(a, pageURL); err != nil {
		return nil, err
	}
	name = a.URL
	base, _ := url.Parse(a.URL)

	p.fillHeader(a, tpl)
	if a.Title == "" {
		return nil, pageErr(name, ErrUnknownLayout, tpl.name+" template without a title")
	}
	if a.PublishedAt.IsZero() {
		return nil, pageErr(name, ErrUnknownLayout, tpl.name+" template without a publish date")
	}

	a.Paragraphs = paragraphs(tpl.body, true)
	if k, sub, ok := bodyHeadline(tpl.body, a.Title); ok && a.Kicker == "" && a.Subtitle == "" {
		// The headline block the body opens with: the paragraphs keep it
		// whole, as the site published it (reposts copy them).
		a.Kicker, a.Subtitle = k, sub
	} else if !ok {
		a.Paragraphs = dropHeaderRepeats(a, a.Paragraphs)
	}
	san := sanitizer{base: base, sizeHint: len(utf8Body) * 2 / 3}
	a.BodyHTML = san.render(tpl.body)
	a.Images, a.Attachments = san.images, san.attachments
	if len(a.Paragraphs) == 0 && len(a.Images) == 0 && len(a.Attachments) == 0 {
		return nil, pageErr(name, ErrEmptyBody, tpl.name+" body has no text")
	}
	if a.Images == nil {
		a.Images = []sppcrawl.Image{}
	}
	if a.Attachments == nil {
		a.Attachments = []sppcrawl.Attachment{}
	}
	if a.Paragraphs == nil {
		a.Paragraphs = []string{}
	}
	a.Aliases = []string{}
	a.Cases, a.Document = findCases(a.Paragraphs), findDocument(a.Paragraphs)
	a.ContentHash = a.ComputeHash()
	return a, nil
}

// parseHTML decodes body to UTF-8, refuses a challenge page, and parses it;
// a parse failure is reported as kind (the page is not what was expected).
func parseHTML(body []byte, contentType, name string, kind error) (*goquery.Document, []byte, error) {
	utf8Body, _ := DecodeHTML(body, contentType)
	if t := bytes.TrimLeft(utf8Body, " \t\r\n\f"); len(t) > 0 && t[0] != '<' {
		return nil, nil, pageErr(name, kind, "not an HTML page")
	}
	doc, err := ParseUTF8(utf8Body, name, kind)
	return doc, utf8Body, err
}

// ParseUTF8 parses a page already decoded to UTF-8 (by its site's charset
// rule) that starts as HTML: a cut page or a challenge is refused in words,
// and a parse failure is reported as kind. The site adapters read their
// pages through it, so a page is decoded once.
func ParseUTF8(utf8Body []byte, name string, kind error) (*goquery.Document, error) {
	// A cut page is checked first: its head alone can look like anything.
	if err := checkComplete(utf8Body, name); err != nil {
		return nil, err
	}
	if isChallenge(utf8Body) {
		return nil, pageErr(name, ErrChallenge, "small page whose script sets a cookie or reloads")
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(utf8Body))
	if err != nil {
		return nil, pageErr(name, kind, "unparsable HTML: "+err.Error())
	}
	return doc, nil
}

// page holds what several extraction steps share.
type page struct {
	doc       *goquery.Document
	raw       []byte
	meta      map[string]string
	htmlTitle string
	first     map[string]*html.Node // indexKeys → first such element
	site      Parser                // whose URLs and ids (ParseArticle's)
}

// indexKeys are the elements extraction looks up; one walk finds them all,
// which costs far less than a selector query each over the whole document.
var indexKeys = map[string]bool{
	"#fontzoom": true, "div.detail_tit": true, "div.detail_con": true,
	"div.detail_extend1": true, "div.wsfbh_detail_con": true, "div.zrbj": true,
	"div.BreadcrumbNav": true, "div.TRS_Editor": true, "div.Custom_UnionStyle": true,
	"ul.li_line": true,
}

func newPage(doc *goquery.Document, raw []byte) *page {
	p := &page{doc: doc, raw: raw, meta: make(map[string]string, 16), first: make(map[string]*html.Node, len(indexKeys))}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style:
				return
			case atom.Title:
				if p.htmlTitle == "" {
					p.htmlTitle = NormalizeText(textOf(n))
				}
			case atom.Meta:
				k := attr(n, "name")
				if k == "" {
					k = attr(n, "property")
				}
				if k != "" {
					p.meta[strings.ToLower(strings.TrimSpace(k))] = NormalizeText(attr(n, "content"))
				}
			}
			if id := attr(n, "id"); id != "" && indexKeys["#"+id] && p.first["#"+id] == nil {
				p.first["#"+id] = n
			}
			for _, c := range strings.Fields(attr(n, "class")) {
				k := n.Data + "." + c
				if indexKeys[k] && p.first[k] == nil {
					p.first[k] = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc.Get(0))
	return p
}

// sel wraps nodes of the document in a Selection.
func (p *page) sel(nodes ...*html.Node) *goquery.Selection {
	s := *p.doc.Selection
	s.Nodes = nodes
	if nodes == nil || nodes[0] == nil {
		s.Nodes = nil
	}
	return &s
}

// text is the text of an indexed element, or "".
func (p *page) text(key string) string {
	if n := p.first[key]; n != nil {
		return textOf(n)
	}
	return ""
}

// template is the layout a page was recognised as.
type template struct {
	name  string
	title *goquery.Selection // may be empty
	info  string             // the 时间/作者/来源 line
	body  *html.Node
}

// hasClass scans the class attribute without splitting it: it runs for every
// element of every body, several times.
func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && classListHas(a.Val, class) {
			return true
		}
	}
	return false
}

// classListHas reports whether the space-separated list v holds class.
func classListHas(v, class string) bool {
	for {
		i := strings.Index(v, class)
		if i < 0 {
			return false
		}
		end := i + len(class)
		if (i == 0 || isASCIISpace(v[i-1])) && (end == len(v) || isASCIISpace(v[end])) {
			return true
		}
		v = v[end:]
	}
}

func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// widgetClasses are page furniture that can sit inside a body container.
var widgetClasses = []string{"zrbj", "xgxw", "share_icon", "extend_font", "bdsharebuttonbox", "detail_extend", "BreadcrumbNav"}

// furniture classifies what a body walk meets: page furniture is skipped, and
// the walk stops at the markers of the body's end (责任编辑, 相关新闻, the
// press-conference footer), wherever they sit.
func furniture(n *html.Node) (skip, end bool) {
	footer := hasClass(n, "wsfbh_detail_bot")
	if !footer && !isWidget(n) {
		return false, false
	}
	return true, footer || hasClass(n, "zrbj") || attr(n, "id") == "xgxw"
}

func isWidget(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	// One pass over the attributes: most elements have neither id nor class.
	for _, at := range n.Attr {
		switch at.Key {
		case "id":
			if at.Val == "pageBreak" || at.Val == "xgxw" {
				return true
			}
		case "class":
			for _, c := range widgetClasses {
				if classListHas(at.Val, c) {
					return true
				}
			}
		}
	}
	return false
}

func (p *page) findTemplate() template {
	d := p.doc
	if fz := p.first["#fontzoom"]; fz != nil {
		t := template{name: "detail", body: fz}
		t.title = p.sel(p.first["div.detail_tit"])
		t.info = p.text("div.detail_extend1")
		return t
	}
	if con := p.first["div.wsfbh_detail_con"]; con != nil {
		t := template{name: "wsfbh", body: con}
		t.title = d.FindMatcher(q(".wsfbh_detail_tit, .wsfbh_tit, div.detail_tit")).First()
		t.info = d.FindMatcher(q(".wsfbh_detail_extend, .wsfbh_detail_info, div.detail_extend1")).First().Text()
		return t
	}
	old := p.first["div.TRS_Editor"]
	if old == nil {
		old = p.first["div.Custom_UnionStyle"]
	}
	if old != nil {
		t := template{name: "trs", body: old}
		t.title = d.FindMatcher(q("div.detail_tit, .title, h1")).First()
		t.info = p.findInfoLine(old)
		return t
	}
	if p.looksLikeNonArticle() != "" {
		return template{}
	}
	return p.genericTemplate()
}

// findInfoLine finds a short element outside the body that carries 来源 or 时间.
func (p *page) findInfoLine(body *html.Node) string {
	best := ""
	p.doc.FindMatcher(q("div, span, p, td")).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if s.FindMatcher(q("div, p, td")).Length() > 0 || isInside(s.Get(0), body) {
			return true
		}
		txt := s.Text()
		if len(txt) < 600 && (strings.Contains(txt, "来源：") || strings.Contains(txt, "时间：") || strings.Contains(txt, "来源:")) {
			best = txt
			return false
		}
		return true
	})
	return best
}

// looksLikeNonArticle names the kind of a page that is not an article, or "".
func (p *page) looksLikeNonArticle() string {
	t := p.htmlTitle
	switch {
	case strings.Contains(t, "404") || strings.Contains(t, "页面不存在") || strings.Contains(t, "找不到") || strings.Contains(t, "错误"):
		return "error page (title " + quote(t) + ")"
	case p.first["ul.li_line"] != nil || createPageRE.Match(p.raw):
		return "list page (ul.li_line / createPageHTML pager)"
	case isSiteName(t):
		return "homepage (the site answers unknown paths with it)"
	}
	return ""
}

// isSiteName reports a title that is only the site's name: 最高人民检察院,
// with or without 中华人民共和国 before it and 网站, 首页 or 官网 after it
// (the homepage's titles over the years).
func isSiteName(t string) bool {
	t = strings.TrimPrefix(strings.TrimSpace(t), "中华人民共和国")
	rest, ok := strings.CutPrefix(t, "最高人民检察院")
	if !ok {
		return false
	}
	rest = strings.Trim(rest, " -_|·—")
	switch rest {
	case "", "网站", "首页", "官网", "门户网站", "网站首页":
		return true
	}
	return false
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

func isInside(n, ancestor *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == ancestor {
			return true
		}
	}
	return false
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}
