package trs

import (
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl"
	"sppcrawl/extract"
)

// editorLineRE is a body's last line that names its editor.
var editorLineRE = regexp.MustCompile(`^[（(【\[]?\s*(?:责任编辑|编辑)\s*[：:]\s*([^）)】\]]*)[）)】\]]?$`)

// ParseArticle reads a detail page of the platform's templates: title,
// publish time in +08:00 (the publish-date meta, else the info line's
// 时间, else the URL's day), 来源, 作者, 编辑, the breadcrumb's channel and
// the body's paragraphs, images and attachments. A page of no known
// template is refused with extract.ErrUnknownLayout saying what was
// expected, a list page with extract.ErrNotArticle.
func (s *Site) ParseArticle(body []byte, pageURL, contentType string) (*sppcrawl.Article, error) {
	canon, err := s.CanonicalURL(pageURL)
	if err != nil {
		return nil, err
	}
	doc, utf8Body, err := parse(body, contentType, canon, extract.ErrNotArticle)
	if err != nil {
		return nil, err
	}
	if s.isList(doc, utf8Body, canon) {
		return nil, pageErr(canon, extract.ErrNotArticle, "list page: a pager and its items")
	}
	id := s.ArticleID(canon)
	if id == "" {
		return nil, pageErr(canon, extract.ErrNotArticle, "not a detail URL (…/yyyymm/tyyyymmdd_N.shtml)")
	}
	title, titleNode := findTitle(doc)
	if title == "" {
		return nil, pageErr(canon, extract.ErrUnknownLayout, "no title (meta ArticleTitle, an element the <title> names, h1)")
	}
	box := findBody(doc, titleNode)
	if box == nil {
		return nil, pageErr(canon, extract.ErrUnknownLayout, "no "+bodyExpectation)
	}
	a := &sppcrawl.Article{ID: id, URL: canon, Site: s.host, Title: title, ChannelPath: s.ChannelPath(canon),
		Channel: breadcrumbLast(doc), Aliases: []string{}}
	s.fill(a, doc, titleNode, box)
	if a.Channel == "" || a.Channel == a.Title {
		a.Channel = s.ChannelByPath(a.ChannelPath).Key
	}
	if len(a.Paragraphs) == 0 && len(a.Images) == 0 && len(a.Attachments) == 0 {
		return nil, pageErr(canon, extract.ErrEmptyBody, "the body container has no text")
	}
	a.ContentHash = a.ComputeHash()
	return a, nil
}

// fill reads the info fields around the body and the body itself.
func (s *Site) fill(a *sppcrawl.Article, doc *goquery.Document, titleNode, box *html.Node) {
	pre, head, foot := around(doc.Get(0), titleNode, box)
	restoreImages(box)
	b := extract.ReadBody(box, a.URL)
	a.Paragraphs, a.BodyHTML, a.Images, a.Attachments = b.Paragraphs, b.HTML, b.Images, b.Attachments
	if titleNode != nil && contains(box, titleNode) {
		// A container holding the whole article: not its header. A body of
		// its own keeps its first lines whatever they repeat, as spp's.
		a.Paragraphs = trimTitle(a.Paragraphs, a.Title)
	}
	var info []string
	a.Paragraphs, info = leadingInfo(a.Paragraphs)
	head = append(head, info...)
	f := infoLine.Split(head...)
	for k, v := range infoLine.Split(pre...) {
		// Some templates state the fields above the title.
		if _, ok := f[k]; !ok {
			f[k] = v
		}
	}
	if n := len(a.Paragraphs); n > 0 {
		if m := editorLineRE.FindStringSubmatch(a.Paragraphs[n-1]); m != nil {
			a.Paragraphs, f["编辑"] = a.Paragraphs[:n-1], strings.TrimSpace(m[1])
		}
	}
	if _, ok := f["编辑"]; !ok {
		f["编辑"] = infoLine.Split(foot...)["编辑"]
	}
	a.Source, a.Author, a.Editor = f["来源"], f["作者"], f["编辑"]
	a.PublishedAt = publishedAt(doc, f["时间"], head, a.URL)
	a.Paragraphs = nonNil(a.Paragraphs)
	if a.Images == nil {
		a.Images = []sppcrawl.Image{}
	}
	if a.Attachments == nil {
		a.Attachments = []sppcrawl.Attachment{}
	}
}

// publishedAt is the page's publish-date meta, else its info line's time
// (labelled, or a date on a line of fields), else the URL's day at 00:00.
func publishedAt(doc *goquery.Document, labelled string, head []string, u string) time.Time {
	if t, ok := sppcrawl.ParseDate(metaContent(doc, "publishdate", "pubdate")); ok {
		return t
	}
	if t, ok := sppcrawl.ParseDate(labelled); ok {
		return t
	}
	for _, line := range head {
		if fieldRE.MatchString(line) {
			if t, ok := sppcrawl.ParseDate(line); ok {
				return t
			}
		}
	}
	t, _ := sppcrawl.DateFromURL(u)
	return t
}

// trimTitle drops the title a container holding the whole article
// repeats before its text.
func trimTitle(ps []string, title string) []string {
	for len(ps) > 0 && ps[0] == title {
		ps = ps[1:]
	}
	return ps
}

// leadingInfo parts the info lines a body container opens with (a short
// line of two fields, or of one and a date: "2018-08-21 09:23:00 来源:")
// from the text after them.
func leadingInfo(ps []string) (text, info []string) {
	for len(ps) > 0 && isInfoLine(ps[0]) {
		info, ps = append(info, ps[0]), ps[1:]
	}
	return ps, info
}

func isInfoLine(p string) bool {
	if len([]rune(p)) >= 120 {
		return false
	}
	n := 0
	for _, m := range fieldRE.FindAllStringSubmatch(p, -1) {
		if fieldLabel[m[1]] != "" {
			n++
		}
	}
	_, dated := sppcrawl.ParseDate(p)
	return n >= 2 || n == 1 && dated
}

func nonNil(ps []string) []string {
	if ps == nil {
		return []string{}
	}
	return ps
}

// around is the text lines just above the title, those between the title
// element and the body (the info line's place; the last lines before the
// body when the title is only in the head) and the first lines after the
// body (where 编辑 may follow it).
func around(root, titleNode, box *html.Node) (pre, head, foot []string) {
	var cur strings.Builder
	state := 0 // 0 before the title, 1 between title and body, 2 after the body
	if titleNode == nil {
		state = 1
	}
	flush := func() {
		if t := extract.NormalizeText(cur.String()); t != "" {
			switch {
			case state == 0:
				pre = append(pre, t)
			case state == 1:
				head = append(head, t)
			case state == 2 && len(foot) < 4:
				foot = append(foot, t)
			}
		}
		cur.Reset()
	}
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		switch {
		case n == box:
			flush()
			state = 2
			return
		case n.Type == html.TextNode:
			cur.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Head):
			return
		}
		block := n.Type == html.ElementNode && isBlock(n.DataAtom)
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
		if block || n == titleNode {
			flush()
		}
		if n == titleNode && state == 0 {
			state = 1
		}
	}
	visit(root)
	flush()
	if titleNode == nil && len(head) > 6 {
		head = head[len(head)-6:]
	}
	if len(pre) > 3 {
		pre = pre[len(pre)-3:] // the lines just above the title, not the site's header
	}
	return pre, head, foot
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Tr, atom.Td, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.Ul, atom.Ol, atom.Dl, atom.Dd, atom.Dt, atom.Section, atom.Article, atom.Header, atom.Footer:
		return true
	}
	return false
}

// isList: a page with a pager and several items of the site's articles in
// rows is a list, whatever its body containers.
func (s *Site) isList(doc *goquery.Document, utf8Body []byte, canon string) bool {
	pi, err := readPager(utf8Body, "shtml")
	if err != nil || !pi.found {
		return false
	}
	return len(s.listItems(doc, nil, "/")) >= 3 && !s.IsArticleURL(canon)
}

// placeholders are the images a lazy-loading template shows until its
// script puts the picture in; the picture is then the oldsrc the platform
// writes beside it.
var placeholders = map[string]bool{"blank.gif": true, "spacer.gif": true, "space.gif": true, "loading.gif": true}

// restoreImages gives an image whose src is empty or a placeholder its
// oldsrc.
func restoreImages(box *html.Node) {
	walk(box, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.DataAtom != atom.Img {
			return true
		}
		src, old := -1, ""
		for i, at := range n.Attr {
			switch at.Key {
			case "src":
				src = i
			case "oldsrc":
				old = strings.TrimSpace(at.Val)
			}
		}
		switch {
		case old == "":
		case src < 0:
			n.Attr = append(n.Attr, html.Attribute{Key: "src", Val: old})
		case strings.TrimSpace(n.Attr[src].Val) == "" || placeholders[strings.ToLower(path.Base(n.Attr[src].Val))]:
			n.Attr[src].Val = old
		}
		return false
	})
}
