package trs

import (
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl/extract"
)

// bodySelectors are the platform's body containers, in the order a
// crawler of 16 of its sites tried them (sites.md), and Hubei's.
var bodySelectors = []string{"#fontzoom", "#zoom", ".TRS_Editor", ".TRS_PreAppend", ".contbox", ".content",
	"#article-body", ".article-body", ".article", ".detail_con"}

// bodyExpectation is what a page must hold to be read as an article, for
// the error that names a page of no known template.
const bodyExpectation = "a body container (<!--正文开始-->, #fontzoom, #zoom, .TRS_Editor, .TRS_PreAppend, .contbox, .content, #article-body, .article-body, .article, .detail_con) after the title, or a block of paragraphs"

// findBody is the article's body container: the marked part between
// <!--正文开始--> and <!--正文结束-->, else the first container of
// bodySelectors, in their order, that comes after the title and reads as
// text (a menu may sit in a .TRS_Editor too: its text is its links), else
// the densest block of paragraphs after the title; nil when none.
func findBody(doc *goquery.Document, title *html.Node) *html.Node {
	if n := markedBody(doc); n != nil {
		return n
	}
	// A container that holds the title too is the page's wrapper more
	// often than the body: taken only when no other reads as one.
	for _, holding := range []bool{false, true} {
		for _, sel := range bodySelectors {
			if n := firstContainer(doc, sel, title, holding); n != nil {
				return n
			}
		}
	}
	return densest(doc, title)
}

// firstContainer is the first element of sel after the title (or, with
// holding, holding it) that reads as text; with no title element to place
// it by, the one of most text (the furniture of a page, a menu or its
// footer, may be of the same class).
func firstContainer(doc *goquery.Document, sel string, title *html.Node, holding bool) *html.Node {
	var found *html.Node
	most := 0
	doc.Find("body").Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		n := s.Get(0)
		if holds := title != nil && contains(n, title); holds != holding || !after(n, title) || !readsAsText(n) {
			return true
		}
		if title != nil {
			found = n
			return false
		}
		if l := utf8.RuneCountInString(extract.NormalizeText(textOf(n))); l > most {
			found, most = n, l
		}
		return true
	})
	return found
}

// after reports whether n follows the title in document order (or holds
// it); with no title element, every node does.
func after(n, title *html.Node) bool {
	if title == nil || contains(n, title) {
		return true
	}
	seenTitle, done := false, false
	walk(docRoot(n), func(c *html.Node) bool {
		if c == n {
			done = true
		}
		if c == title && !done {
			seenTitle = true
		}
		return !done
	})
	return seenTitle
}

func docRoot(n *html.Node) *html.Node {
	for n.Parent != nil {
		n = n.Parent
	}
	return n
}

func contains(n, d *html.Node) bool {
	for ; d != nil; d = d.Parent {
		if d == n {
			return true
		}
	}
	return false
}

// readsAsText: a container with some text of its own beside its links, or
// an image (a body may be one picture).
func readsAsText(n *html.Node) bool {
	text := utf8.RuneCountInString(extract.NormalizeText(textOf(n)))
	links := linkText(n)
	if text == 0 {
		return hasImage(n)
	}
	return links*2 < text
}

func linkText(n *html.Node) int {
	total := 0
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && c.DataAtom == atom.A {
			total += utf8.RuneCountInString(extract.NormalizeText(textOf(c)))
			return false
		}
		return true
	})
	return total
}

func hasImage(n *html.Node) bool {
	found := false
	walk(n, func(c *html.Node) bool {
		found = found || c.Type == html.ElementNode && c.DataAtom == atom.Img
		return !found
	})
	return found
}

// markedBody gathers what lies between the comments <!--正文开始--> and
// <!--正文结束--> (siblings) into one container.
func markedBody(doc *goquery.Document) *html.Node {
	var start *html.Node
	walk(doc.Get(0), func(c *html.Node) bool {
		if start == nil && c.Type == html.CommentNode && strings.TrimSpace(c.Data) == "正文开始" {
			start = c
		}
		return start == nil
	})
	if start == nil || start.Parent == nil {
		return nil
	}
	box := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	start.Parent.InsertBefore(box, start)
	for c := start.NextSibling; c != nil; {
		next := c.NextSibling
		if c.Type == html.CommentNode && strings.TrimSpace(c.Data) == "正文结束" {
			break
		}
		c.Parent.RemoveChild(c)
		box.AppendChild(c)
		c = next
	}
	if !readsAsText(box) {
		return nil
	}
	return box
}

// densest is the element after the title whose own paragraphs (<p>
// children) hold the most text, their links less than half of it.
func densest(doc *goquery.Document, title *html.Node) *html.Node {
	var best *html.Node
	bestScore := 0
	doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		if n.DataAtom == atom.P || n.DataAtom == atom.Script || n.DataAtom == atom.Style {
			return
		}
		score := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			score += lineScore(c)
		}
		if score > bestScore && linkText(n)*2 < score && after(n, title) {
			best, bestScore = n, score
		}
	})
	if bestScore < 40 {
		return nil
	}
	return best
}

// lineScore is what a child of a candidate body gives it: the text of a
// paragraph, or of a line of text set directly in the container (the
// older templates' lines between <br>s), an info line excepted.
func lineScore(c *html.Node) int {
	switch {
	case c.Type == html.ElementNode && c.DataAtom == atom.P:
		return utf8.RuneCountInString(extract.NormalizeText(textOf(c)))
	case c.Type == html.TextNode:
		if t := extract.NormalizeText(c.Data); !isInfoLine(t) {
			return utf8.RuneCountInString(t)
		}
	}
	return 0
}
