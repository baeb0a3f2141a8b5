package trs

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl/extract"
)

// titleSelectors are the elements that hold an article's title on the
// platform's templates, most specific first.
const titleSelectors = "h1.arttitle, .detail_tit, .arttitle, .article-title, .art_title, .news_title, .title, h1, h2, h3, [class*=title], [class*=tit]"

// findTitle is the article's title and the element that shows it (nil
// when only the head names it): the <meta name="ArticleTitle">, else the
// element whose text the <title> opens with or is cut from, else the first
// title element, else the <title>'s first part.
func findTitle(doc *goquery.Document) (string, *html.Node) {
	parts := titleParts(doc)
	head := articleHead(parts)
	meta := metaContent(doc, "articletitle")
	var first, match *html.Node
	firstText, matchText := "", ""
	doc.Find("body").Find(titleSelectors).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		t := extract.NormalizeText(s.Text())
		if n := utf8.RuneCountInString(t); n < 2 || n > 200 || fieldRE.MatchString(t) || hasCrumbMark(t) {
			return true
		}
		if first == nil {
			first, firstText = s.Get(0), t
		}
		if meta != "" && t == meta || meta == "" && anySame(t, parts) {
			match, matchText = s.Get(0), t
			return false
		}
		return true
	})
	if match == nil && meta == "" {
		match, matchText = namedElement(doc, parts)
	}
	switch {
	case match != nil:
		return matchText, match
	case meta != "":
		return meta, nil
	case first != nil && head == "":
		return firstText, first
	}
	return head, nil
}

// sameTitle reports whether an element's text t is the title the <title>
// names: equal, or one of them cut short of the other.
func sameTitle(t, head string) bool {
	if head == "" {
		return false
	}
	tc, _ := cutTitle(t)
	hc, _ := cutTitle(head)
	return t == head || strings.HasPrefix(t, hc) || strings.HasPrefix(head, tc) && utf8.RuneCountInString(tc) >= 6
}

// metaContent is the content of the first <meta> whose name is one of
// names (lower case), compared without regard to case.
func metaContent(doc *goquery.Document, names ...string) string {
	out := ""
	doc.Find("meta[name]").EachWithBreak(func(_ int, m *goquery.Selection) bool {
		name := strings.ToLower(m.AttrOr("name", ""))
		for _, n := range names {
			if name == n {
				out = extract.NormalizeText(m.AttrOr("content", ""))
				return out == ""
			}
		}
		return true
	})
	return out
}

// titleSeps part a <title> into the article's title and the site's name.
var titleSeps = regexp.MustCompile(`\s*(?:_|\s-\s|－|—|\||｜)\s*`)

// titleParts are the parts of the page's <title>.
func titleParts(doc *goquery.Document) []string {
	var out []string
	t := extract.NormalizeText(doc.Find("title").First().Text())
	if i := strings.LastIndex(t, "-"); i > 0 && isSiteName(strings.TrimSpace(t[i+1:])) {
		// 标题-某市人民检察院: a bare hyphen parts the title only before the
		// site's name (a title may hold 2016-2025).
		t = t[:i] + "_" + t[i+1:]
	}
	for _, p := range titleSeps.Split(t, -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// articleHead is the part of a <title> that names the article: the first,
// unless that is the site's name (某某人民检察院 - 标题).
func articleHead(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	if len(parts) > 1 && isSiteName(parts[0]) {
		return parts[1]
	}
	return parts[0]
}

func isSiteName(s string) bool {
	return strings.HasSuffix(s, "检察院") || strings.HasSuffix(s, "检察网") || strings.HasSuffix(s, "门户网站") || strings.HasSuffix(s, "网站")
}

func anySame(t string, parts []string) bool {
	for _, p := range parts {
		if !isSiteName(p) && sameTitle(t, p) {
			return true
		}
	}
	return false
}

// namedElement is the first element of the body, in a template of no
// known title class, whose whole text is the title the <title> names; no
// link, which would be another page's title.
func namedElement(doc *goquery.Document, parts []string) (*html.Node, string) {
	var found *html.Node
	text := ""
	doc.Find("body *").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		n := s.Get(0)
		if n.DataAtom == atom.A || n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Title || hasLink(n) {
			return true
		}
		t := extract.NormalizeText(textOf(n))
		if c := utf8.RuneCountInString(t); c >= 4 && c <= 200 && !fieldRE.MatchString(t) && !hasCrumbMark(t) && anySame(t, parts) {
			found, text = n, t
			return false
		}
		return true
	})
	return found, text
}
