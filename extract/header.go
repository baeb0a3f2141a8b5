package extract

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"sppcrawl"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var digitsRE = regexp.MustCompile(`^\d+$`)

// resolveURL sets a.URL from pageURL or, when that is empty, from the page.
func (p *page) resolveURL(a *sppcrawl.Article, pageURL string) error {
	if pageURL != "" {
		u, err := p.site.URLs.CanonicalURL(pageURL)
		if err != nil {
			return err
		}
		a.URL = u
		return nil
	}
	for _, sel := range []string{`link[rel="canonical"]`, `meta[property="og:url"]`} {
		s := p.doc.Find(sel).First()
		v, _ := s.Attr("href")
		if v == "" {
			v, _ = s.Attr("content")
		}
		if v != "" {
			if u, err := p.site.URLs.CanonicalURL(v); err == nil {
				a.URL = u
				return nil
			}
		}
	}
	// The live template has no canonical link, but its URL is fully determined
	// by the channel folder, the first-publication date and the manuscriptId.
	id := p.meta["manuscriptid"]
	ch := p.breadcrumbPath("")
	t, _ := sppcrawl.ParseStamp(p.meta["firstpublishedtime"])
	if digitsRE.MatchString(id) && ch != "" && !t.IsZero() {
		a.URL = fmt.Sprintf("%s%s%s/t%s_%s.shtml", p.site.URLs.Origin(), ch, t.Format("200601"), t.Format("20060102"), id)
		return nil
	}
	return pageErr("", ErrNotArticle, "the page names no URL of its own; pass its URL (--url)")
}

// breadcrumbPath is the channel folder of the breadcrumb's last link.
// Relative hrefs (old pages use "../") resolve against pageURL when known.
func (p *page) breadcrumbPath(pageURL string) string {
	href, _ := p.sel(p.first["div.BreadcrumbNav"]).FindMatcher(q("a[href]")).Last().Attr("href")
	if href == "" {
		return ""
	}
	var base *url.URL
	if pageURL != "" {
		base, _ = url.Parse(pageURL)
	}
	u, err := p.site.URLs.ResolveURL(href, base)
	if err != nil {
		return ""
	}
	return p.site.URLs.ChannelPath(u)
}

// infoLine is the info line of the site's own templates ("时间：… 作者：…
// 来源：…"); 字体, 字号 and 浏览次数 only end the value before them.
var infoLine = InfoLine{
	Labels: regexp.MustCompile(`(发布时间|时间|日期|作者|稿件来源|新闻来源|来源|字体|字号|浏览次数)\s*[：:]`),
	Fields: map[string]string{
		"发布时间": "时间", "日期": "时间", "稿件来源": "来源", "新闻来源": "来源",
		"字体": "", "字号": "", "浏览次数": "",
	},
	Trim: "【】[]|｜",
}

func (p *page) fillHeader(a *sppcrawl.Article, t template) {
	// id
	if id := p.meta["manuscriptid"]; digitsRE.MatchString(id) {
		a.ID = p.site.URLs.IDPrefix() + id
	} else if id := p.site.URLs.ArticleID(a.URL); id != "" {
		a.ID = id
	} else {
		// Not an SPP article URL (generic layout on an odd path): still stable.
		a.ID = p.site.URLs.IDPrefix() + "u" + shortHash(a.URL)
	}

	// channel
	a.Channel = p.meta["lanmu"]
	if a.Channel == "" {
		a.Channel = NormalizeText(p.sel(p.first["div.BreadcrumbNav"]).FindMatcher(q("span")).Last().Text())
	}
	if a.Channel == "" {
		a.Channel = NormalizeText(p.sel(p.first["div.BreadcrumbNav"]).FindMatcher(q("a")).Last().Text())
	}
	a.ChannelPath = p.breadcrumbPath(a.URL)
	if a.ChannelPath == "" || a.ChannelPath == "/" || a.ChannelPath == "/spp/" {
		a.ChannelPath = p.site.URLs.ChannelPath(a.URL)
	}

	// title lines
	a.Kicker, a.Title, a.Subtitle = p.titleLines(t)
	if a.Title == "" {
		a.Title = strings.TrimSuffix(p.htmlTitle, titleSuffix)
	}

	// dates
	info := infoLine.Split(t.info)
	if tm, ok := sppcrawl.ParseStamp(p.meta["firstpublishedtime"]); ok {
		a.PublishedAt = tm
	} else if tm, ok := sppcrawl.ParseDate(info["时间"]); ok {
		a.PublishedAt = tm
	} else if tm, ok := sppcrawl.DateFromURL(a.URL); ok {
		a.PublishedAt = tm
	}
	if tm, ok := sppcrawl.ParseStamp(p.meta["lastmodifiedtime"]); ok {
		a.ModifiedAt = tm
	}

	a.Source = info["来源"]
	a.Author = info["作者"]
	zrbj := p.text("div.zrbj")
	if m := editorRE.FindStringSubmatch(NormalizeText(zrbj)); m != nil {
		a.Editor = NormalizeText(m[1])
	} else if zrbj == "" {
		a.Editor = p.meta["author"]
	}
}

// titleLines finds kicker (引题), title and subtitle (副题). Every line of
// text between the breadcrumb and the 时间/来源 line is one of them, whatever
// element holds it: the title is the line the page names its main title (an
// element classed so, or the line <title> repeats), the lines above it form
// the kicker, those below the subtitle. Without that frame (older
// templates), the title block alone is read.
func (p *page) titleLines(t template) (kicker, title, subtitle string) {
	block := t.title != nil && t.title.Length() > 0
	var lines []string
	if block {
		lines = paragraphs(t.title.Get(0), false)
	}
	named := ""
	if block {
		named = NormalizeText(t.title.FindMatcher(q(".detail_zt, .zt, .main_title, h1, h2")).First().Text())
	}
	if frame := p.headerLines(t); len(frame) > 0 {
		if k, title, s, ok := frameHeadline(frame, named, p.htmlTitle, lines); ok {
			return k, title, s
		}
	}
	if !block {
		return "", "", ""
	}
	// Own elements for 引题/副题 beside the title block (not inside the body,
	// which is a sibling too and must not be searched).
	sib := t.title.Siblings()
	kicker = NormalizeText(sib.FilterMatcher(q(".detail_yt, .yt, .yinti, .kicker, .pretitle")).First().Text())
	subtitle = NormalizeText(sib.FilterMatcher(q(".detail_ft, .detail_fbt, .fbt, .futi, .subtitle, .sub_title")).First().Text())
	if named != "" {
		if kicker == "" {
			kicker = joinedText(t.title.FindMatcher(q(".detail_yt, .yt, .yinti")))
		}
		if subtitle == "" {
			subtitle = joinedText(t.title.FindMatcher(q(".detail_ft, .ft, .fbt, .futi")))
		}
		return kicker, named, subtitle
	}
	if len(lines) == 0 {
		return kicker, "", subtitle
	}
	if k, title, s, ok := classedBlock(t.title.Get(0), strings.TrimSuffix(p.htmlTitle, titleSuffix)); ok {
		return firstOf(kicker, k), title, firstOf(subtitle, s)
	}
	idx := titleIndex(lines, strings.TrimSuffix(p.htmlTitle, titleSuffix))
	if kicker == "" {
		kicker = strings.Join(lines[:idx], " ")
	}
	if subtitle == "" {
		subtitle = strings.Join(lines[idx+1:], " ")
	}
	return kicker, lines[idx], subtitle
}

// frameHeadline splits the lines of the header frame around the title: the
// line the page names its main title (named, else the one <title> repeats,
// else the one the title block's own lines point at, else, without a title
// block, the one <title> nearly repeats). ok is false when no line without
// a role is the title.
func frameHeadline(frame []headLine, named, htmlTitle string, block []string) (kicker, title, subtitle string, ok bool) {
	main := named
	if main == "" {
		main = strings.TrimSuffix(htmlTitle, titleSuffix)
	}
	idx := titleLine(frame, func(s string) bool { return s == main })
	if idx < 0 && len(block) > 0 {
		want := block[titleIndex(block, main)]
		idx = titleLine(frame, func(s string) bool { return s == want })
	}
	if idx < 0 && len(block) == 0 {
		// No title block of its own (the title in another element of the
		// frame): the line <title> nearly repeats.
		idx = titleLine(frame, func(s string) bool { return nearlySame(s, main) })
	}
	if idx < 0 {
		return "", "", "", false
	}
	kicker, subtitle = splitHeadline(frame, idx)
	return kicker, frame[idx].text, subtitle, true
}

// classedBlock reads a title block some of whose lines name their role by
// class: the title is the line without a role <title> repeats, or else the
// first one; ok is false when no line names a role (position alone decides
// then, see titleIndex).
func classedBlock(block *html.Node, main string) (kicker, title, subtitle string, ok bool) {
	w := headerWalker{started: true}
	walkTree(block, &w)
	w.flush()
	if !slices.ContainsFunc(w.out, func(l headLine) bool { return l.role != "" }) {
		return "", "", "", false
	}
	idx := titleLine(w.out, func(s string) bool { return s == main })
	if idx < 0 {
		idx = titleLine(w.out, func(string) bool { return true })
	}
	if idx < 0 {
		return "", "", "", false
	}
	kicker, subtitle = splitHeadline(w.out, idx)
	return kicker, w.out[idx].text, subtitle, true
}

// joinedText is the text of every element of s, one line each, joined by
// spaces as the headline's lines are.
func joinedText(s *goquery.Selection) string {
	var lines []string
	s.Each(func(_ int, e *goquery.Selection) {
		if l := NormalizeText(e.Text()); l != "" {
			lines = append(lines, l)
		}
	})
	return strings.Join(lines, " ")
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// titleIndex picks the main title among the lines of a title block: the one
// <title> repeats (main); else by the longest-standing convention, 引题
// above a shorter main title, 副题 below it, and with two lines a short
// first one (「某某强调」) is the kicker.
func titleIndex(lines []string, main string) int {
	if i := slices.Index(lines, main); i >= 0 {
		return i
	}
	switch {
	case len(lines) == 1:
		return 0
	case len(lines) == 2 && runeLen(lines[0]) <= 12:
		return 1
	case len(lines) == 2:
		return 0
	case len(lines) > 3:
		return len(lines) - 2
	}
	return 1
}

// headerLines are the lines of text between the breadcrumb and the
// 时间/来源 line of the current template (nil for other templates): the
// headline block, whatever its markup, each line with the role its class
// names, if any.
func (p *page) headerLines(t template) []headLine {
	crumb, info := p.first["div.BreadcrumbNav"], p.first["div.detail_extend"]
	if info == nil {
		info = p.first["div.detail_extend1"]
	}
	if t.name != "detail" || crumb == nil || info == nil {
		return nil
	}
	w := headerWalker{start: crumb, stop: info, body: t.body}
	walkNode(p.doc.Get(0), &w)
	w.flush()
	return w.out
}

// headerWalker collects text lines in document order from the end of start
// to the beginning of stop (or of the whole walk when started is set), with
// the role of the classed element (yt, ft) any of a line's text stood in.
type headerWalker struct {
	start, stop, body *html.Node
	started           bool
	cur               strings.Builder
	curRole           string
	roles             []string // of the classed elements the walk is in
	out               []headLine
}

func (w *headerWalker) flush() {
	if s := NormalizeText(w.cur.String()); s != "" {
		w.out = append(w.out, headLine{s, w.curRole})
	}
	w.cur.Reset()
	w.curRole = ""
}

// Marks of enter: the node began a block, and it named a role.
const (
	markBlock = 1 << iota
	markRole
)

// enter: lines are broken at blocks and <br>; widgets between the two ends
// are not headline text.
func (w *headerWalker) enter(n *html.Node) (walkCtl, int) {
	switch {
	case n == w.stop || n == w.body:
		return stop, 0
	case n == w.start:
		w.started = true
		return skip, 0
	case n.Type == html.TextNode:
		if w.started {
			w.cur.WriteString(n.Data)
			if len(w.roles) > 0 && strings.TrimSpace(n.Data) != "" {
				w.curRole = w.roles[len(w.roles)-1]
			}
		}
		return skip, 0
	case n.Type == html.ElementNode && (isDropped(n.DataAtom) || w.started && isWidget(n)):
		return skip, 0
	case n.Type == html.ElementNode && n.DataAtom == atom.Br:
		w.flush()
		return skip, 0
	}
	mark := 0
	if n.Type == html.ElementNode && isBlock(n.DataAtom) {
		w.flush()
		mark |= markBlock
	}
	if role := roleOf(n); n.Type == html.ElementNode && role != "" {
		w.roles = append(w.roles, role)
		mark |= markRole
	}
	return descend, mark
}

func (w *headerWalker) leave(_ *html.Node, mark int) {
	if mark&markBlock != 0 {
		w.flush()
	}
	if mark&markRole != 0 {
		w.roles = w.roles[:len(w.roles)-1]
	}
}

func runeLen(s string) int { return len([]rune(s)) }

// dropHeaderRepeats removes leading body paragraphs that repeat the kicker
// or the subtitle, which some editors paste into the body as well. The title
// is not: a document (a judicial interpretation, a notice) opens its body
// with its own title, which is part of its text.
func dropHeaderRepeats(a *sppcrawl.Article, ps []string) []string {
	for len(ps) > 0 && ps[0] != "" && (ps[0] == a.Kicker || ps[0] == a.Subtitle) {
		ps = ps[1:]
	}
	return ps
}

// genericTemplate is the careful fallback for an unknown layout: the element
// whose direct <p> children hold the most text, with a low share of link text.
func (p *page) genericTemplate() template {
	var best *html.Node
	bestScore := 0
	p.doc.FindMatcher(q("body *")).Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		if n.DataAtom == atom.P || n.DataAtom == atom.Script || isWidget(n) {
			return
		}
		score, count := 0, 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.P {
				l := runeLen(NormalizeText(textOf(c)))
				score += l
				if l > 0 {
					count++
				}
			}
		}
		if count < 2 {
			return
		}
		if linkText(n)*2 > score {
			return
		}
		if score > bestScore {
			best, bestScore = n, score
		}
	})
	if best == nil || bestScore < 80 {
		return template{}
	}
	t := template{name: "generic", body: best}
	t.title = p.doc.FindMatcher(q("h1")).First()
	if t.title.Length() == 0 {
		t.title = p.doc.FindMatcher(q("div.detail_tit, .title")).First()
	}
	t.info = p.findInfoLine(best)
	// An unknown layout must date itself: a date taken only from the URL
	// would let the homepage, which the site serves for unknown paths, pass
	// for an article.
	if _, dated := sppcrawl.ParseStamp(p.meta["firstpublishedtime"]); !dated && !strings.Contains(t.info, "时间") && !strings.Contains(t.info, "日期") {
		if _, ok := sppcrawl.ParseDate(p.meta["pubdate"]); !ok {
			return template{}
		}
	}
	return t
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func linkText(n *html.Node) int {
	total := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			total += runeLen(NormalizeText(textOf(n)))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return total
}
