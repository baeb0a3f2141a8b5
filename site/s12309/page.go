package s12309

import (
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl"
	"sppcrawl/extract"
)

// bodySelectors are the detail pages' body containers: 重要案件信息's
// #fontzoom, then those a crawler of 法律文书's pages found, in its order,
// then the TRS platform's others.
var bodySelectors = []string{"#fontzoom", "#article-body", ".article-body", ".contbox", ".TRS_Editor", "#zoom",
	".detail_con", ".TRS_PreAppend", ".article"}

// bodyExpectation names them for the error of a page without text.
const bodyExpectation = "a body container (#fontzoom, #article-body, .article-body, .contbox, .TRS_Editor, #zoom, .detail_con, .TRS_PreAppend, .article) with text"

var (
	urlDateRE = regexp.MustCompile(`/t(\d{4})(\d{2})(\d{2})_\d+\.s?html?$`)
	// pdfRE finds the PDFs a viewer loads, in its markup or its script.
	pdfRE = regexp.MustCompile(`["'(=]\s*((?:https?://[^"'()\s<>]+)?/minioweb/[^"'()\s<>]+)`)
)

// page is what a detail page shows: its title, the fields of its info
// line (来源, 作者, 编辑 and the date), its body container and its PDFs.
type page struct {
	url    string
	title  string
	fields map[string]string
	date   time.Time
	clock  bool // the date has a time of day
	box    *html.Node
	pdfs   []string
}

func readPage(doc *goquery.Document, utf8Body []byte, canon string) *page {
	p := &page{url: canon, title: findTitle(doc)}
	p.box = findBody(doc)
	p.fields = infoFields(doc, p.box, contentEnd(doc, p.box))
	// The publish-date meta of the TRS platform's pages, else the info
	// line's 时间; the one giving the time of day first.
	for _, d := range []string{metaDate(doc), p.fields["时间"]} {
		t, ok := parseTime(d)
		if ok && (p.date.IsZero() || !p.clock && clockRE.MatchString(d)) {
			p.date, p.clock = t, clockRE.MatchString(d)
		}
	}
	seen := map[string]bool{}
	for _, m := range pdfRE.FindAllSubmatch(utf8Body, -1) {
		u, err := layout.CanonicalURL(html.UnescapeString(string(m[1])))
		if err == nil && !seen[u] {
			seen[u] = true
			p.pdfs = append(p.pdfs, u)
		}
	}
	return p
}

// findTitle is the page's title: 重要案件信息's div.detail_tit, else a
// heading, else the ArticleTitle meta. A title element holding the info
// line too (起诉书（…）来源： 作者： …) gives the text before it.
func findTitle(doc *goquery.Document) string {
	for _, sel := range []string{".detail_tit", "h1", ".detail_title", ".article-title", "h2"} {
		t := extract.NormalizeText(doc.Find(sel).First().Text())
		if loc := infoLabelRE.FindStringIndex(t); loc != nil {
			t = strings.TrimSpace(t[:loc[0]])
		}
		if t != "" {
			return t
		}
	}
	c, _ := doc.Find(`meta[name="ArticleTitle"]`).Attr("content")
	return extract.NormalizeText(c)
}

// metaDate is the page's publish-date meta, "" when it has none.
func metaDate(doc *goquery.Document) string {
	c, _ := doc.Find(`meta[name="publishdate"], meta[name="PubDate"], meta[name="pubdate"]`).First().Attr("content")
	return c
}

// headTitle is the page's <title> without the site's name.
func headTitle(doc *goquery.Document) string {
	t := extract.NormalizeText(doc.Find("title").First().Text())
	for _, sep := range []string{"_", "-", "|", "－"} {
		t = strings.TrimSpace(strings.TrimSuffix(t, sep+"中国检察网"))
	}
	return t
}

// findBody is the first body container of bodySelectors holding text.
func findBody(doc *goquery.Document) *html.Node {
	for _, sel := range bodySelectors {
		var found *html.Node
		doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			if strings.TrimSpace(s.Text()) != "" {
				found = s.Get(0)
			}
			return found == nil
		})
		if found != nil {
			return found
		}
	}
	return nil
}

// fill sets the article's body: the container's paragraphs, else the
// record's content; the PDFs the page loads are its attachments.
func (p *page) fill(a *sppcrawl.Article, rec record) {
	if p.box != nil {
		b := extract.ReadBody(p.box, p.url)
		a.Paragraphs, a.BodyHTML, a.Images, a.Attachments = b.Paragraphs, b.HTML, b.Images, b.Attachments
		a.Paragraphs = dropHead(a.Paragraphs, a.Title)
	}
	if len(a.Paragraphs) == 0 {
		a.Paragraphs, a.BodyHTML = contentBody(rec.Content, p.url)
	}
	if a.Images == nil {
		a.Images = []sppcrawl.Image{}
	}
	if a.Attachments == nil {
		a.Attachments = []sppcrawl.Attachment{}
	}
	for _, u := range p.pdfs {
		if !hasAttachment(a.Attachments, u) {
			a.Attachments = append(a.Attachments, sppcrawl.Attachment{URL: u, Name: path.Base(u)})
		}
	}
	if a.Paragraphs == nil {
		a.Paragraphs = []string{}
	}
}

func hasAttachment(as []sppcrawl.Attachment, u string) bool {
	for _, a := range as {
		if a.URL == u {
			return true
		}
	}
	return false
}

// dropHead drops what a container holding the whole document opens with:
// the title again, and the info line.
func dropHead(paras []string, title string) []string {
	for len(paras) > 0 && (paras[0] == title || infoLabelRE.MatchString(paras[0]) && strings.Contains(paras[0], "来源")) {
		paras = paras[1:]
	}
	return paras
}

// contentBody is the record's content as paragraphs and body HTML: HTML
// read by the rules of every body, text split at its lines.
func contentBody(content, pageURL string) ([]string, string) {
	if strings.TrimSpace(content) == "" {
		return nil, ""
	}
	if strings.Contains(content, "</") || strings.Contains(content, "<br") || strings.Contains(content, "<p") {
		nodes, err := html.ParseFragment(strings.NewReader(content), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err == nil {
			root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
			for _, n := range nodes {
				root.AppendChild(n)
			}
			b := extract.ReadBody(root, pageURL)
			return b.Paragraphs, b.HTML
		}
	}
	var paras []string
	var sb strings.Builder
	for _, line := range strings.Split(content, "\n") {
		if t := extract.NormalizeText(line); t != "" {
			paras = append(paras, t)
			sb.WriteString("<p>" + html.EscapeString(t) + "</p>")
		}
	}
	return paras, sb.String()
}

// infoLabelRE finds the labels of an info line; 编辑 stands for 责任编辑
// too, 时间 for 发布时间 and 发布日期. 字体 and 字号 end the line's fields.
var infoLabelRE = regexp.MustCompile(`(?:新闻|文章)?(来源|作者|责任编辑|编辑|发布时间|发布日期|时间|字体|字号)\s*[：:]`)

// infoLine splits an info line at its labels.
var infoLine = extract.InfoLine{
	Labels: infoLabelRE,
	Fields: map[string]string{"责任编辑": "编辑", "发布时间": "时间", "发布日期": "时间", "字体": "", "字号": ""},
	Trim:   "|【】[]",
}

// contentEnd is where a page's header ends: its body container, else an
// empty one or a PDF viewer; nil when the page has none.
func contentEnd(doc *goquery.Document, box *html.Node) *html.Node {
	if box != nil {
		return box
	}
	if ns := doc.Find(strings.Join(append([]string{"#pdf-container"}, bodySelectors...), ", ")).Nodes; len(ns) > 0 {
		return ns[0]
	}
	return nil
}

// infoFields reads the info lines above the body (end) and the one a body
// holding the whole document opens with: each block whose text holds a
// label, its fields by label, the first of each label kept. What follows
// the body (a footer's 来源) is not the document's.
func infoFields(doc *goquery.Document, box, end *html.Node) map[string]string {
	var lines []string
	seen := map[*html.Node]bool{}
	passed := false
	doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		if n == end {
			passed = true
		}
		if !ownTextHasLabel(n) || passed && !inside(n, end) {
			return
		}
		b := block(n)
		if seen[b] || inside(box, b) {
			return // a wrapper of the body: no line
		}
		seen[b] = true
		t := extract.NormalizeText(goquery.NewDocumentFromNode(b).Text())
		// In the body only the header line a whole document opens with.
		if utf8.RuneCountInString(t) <= 300 && (!inside(n, box) || strings.Contains(t, "来源")) {
			lines = append(lines, t)
		}
	})
	return infoLine.Split(strings.Join(lines, " "))
}

func ownTextHasLabel(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && infoLabelRE.MatchString(c.Data) {
			return true
		}
	}
	return false
}

// inline are the elements a line of text runs through.
var inline = map[atom.Atom]bool{atom.Span: true, atom.A: true, atom.B: true, atom.Strong: true, atom.Em: true,
	atom.I: true, atom.Font: true, atom.Label: true, atom.Small: true}

// block is the nearest element around n that is not inline: the line n is
// part of.
func block(n *html.Node) *html.Node {
	for n.Parent != nil && n.Parent.Type == html.ElementNode && inline[n.DataAtom] {
		n = n.Parent
	}
	return n
}

// inside reports whether n is outer or below it (false for a nil outer).
func inside(n, outer *html.Node) bool {
	if outer == nil || n == nil {
		return false
	}
	for ; n != nil; n = n.Parent {
		if n == outer {
			return true
		}
	}
	return false
}
