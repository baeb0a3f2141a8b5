package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl/internal/allowlist"
)

// On the live template the title is in div.detail_tit, but the full
// headline — 引题, the title again, 副题 — opens the body as centred bold
// paragraphs, before the first ordinary one. The body's copy of the title is
// not always the same string as detail_tit (重庆梁平区 / 重庆梁平), so it is
// found as nearly the same line.

// headLine is a centred bold line opening the body, with the role its
// class names, if any (yt: 引题, ft: 副题).
type headLine struct {
	text, role string
}

// maxHeadLines bounds the headline block: a kicker, the title, a few 副题.
const maxHeadLines = 6

// bodyHeadline reads the headline block that opens body, around the line
// that is (nearly) title: the lines before it are the 引题, the centred bold
// lines right after it the 副题; lines whose class names their role go to
// it, wherever they stand. ok is false when the body opens with no such
// block.
func bodyHeadline(body *html.Node, title string) (kicker, subtitle string, ok bool) {
	lines := leadingHeadLines(body)
	at := titleLine(lines, func(s string) bool { return nearlySame(s, title) })
	if at < 0 {
		return "", "", false
	}
	kicker, subtitle = splitHeadline(lines, at)
	return kicker, subtitle, true
}

// titleLine is the index of the first line without a role that is the
// title, -1 for none: a line whose class names it 引题 or 副题 is not the
// title, even when it repeats it.
func titleLine(lines []headLine, isTitle func(string) bool) int {
	for i, l := range lines {
		if l.role == "" && isTitle(l.text) {
			return i
		}
	}
	return -1
}

// splitHeadline sorts the lines around the title at index at into 引题 and
// 副题. The names win over the position: a line whose class names its role
// goes to it wherever it stands (the title area of some pages puts the 引题
// below the title); the others are 引题 above the title, 副题 below it.
func splitHeadline(lines []headLine, at int) (kicker, subtitle string) {
	var k, s []string
	for i, l := range lines {
		switch {
		case l.role == "yt", l.role == "" && i < at:
			k = append(k, l.text)
		case l.role == "ft", l.role == "" && i > at:
			s = append(s, l.text)
		}
	}
	return strings.Join(k, " "), strings.Join(s, " ")
}

// leadingHeadLines lists the centred bold lines that open body, up to the
// first line of text that is not one (lines without text, a picture, are
// passed over).
func leadingHeadLines(body *html.Node) []headLine {
	var out []headLine
	var walk func(n *html.Node) bool // false: the block ended
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				if strings.TrimSpace(c.Data) != "" {
					return false // loose text: an ordinary paragraph
				}
				continue
			case c.Type != html.ElementNode || isDropped(c.DataAtom) || isWidget(c):
				continue
			case (c.DataAtom == atom.Div || c.DataAtom == atom.Section) && hasBlockChild(c):
				if !walk(c) {
					return false
				}
				continue
			}
			text := NormalizeText(textOf(c))
			if text == "" {
				continue
			}
			if !centred(c, body) || !allBold(c) || len(out) == maxHeadLines {
				return false
			}
			out = append(out, headLine{text, roleOf(c)})
		}
		return true
	}
	walk(body)
	return out
}

// centred reports a line centred by its own markup or that of a block
// around it inside the body.
func centred(n, body *html.Node) bool {
	for ; n != nil && n != body; n = n.Parent {
		if n.DataAtom == atom.Center || allowlist.TextAlign(attr(n, "style"), attr(n, "align")) == "center" {
			return true
		}
	}
	return false
}

// allBold reports a line whose every visible character is bold: inside
// strong, b or a heading, or an element styled font-weight bold (or 600 and
// more).
func allBold(n *html.Node) bool {
	if isBold(n) {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(strings.ReplaceAll(c.Data, "\u00a0", " ")) != "" {
				return false
			}
		case html.ElementNode:
			if !isDropped(c.DataAtom) && c.DataAtom != atom.Br && c.DataAtom != atom.Img && !allBold(c) {
				return false
			}
		}
	}
	return true
}

func isBold(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Strong, atom.B, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return boldStyle(attr(n, "style"))
}

// boldStyle reads font-weight from a style attribute (whose declarations
// may span lines, as the site's do).
func boldStyle(style string) bool {
	for _, decl := range strings.Split(style, ";") {
		k, v, ok := strings.Cut(decl, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "font-weight") {
			continue
		}
		switch v = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))); v {
		case "bold", "bolder", "600", "700", "800", "900":
			return true
		}
	}
	return false
}

// roleOf is the headline role an element's class names: yt (引题) or ft
// (副题), as the site's title areas name them; "" for none.
func roleOf(n *html.Node) string {
	for _, c := range []string{"yt", "detail_yt", "yinti"} {
		if hasClass(n, c) {
			return "yt"
		}
	}
	for _, c := range []string{"ft", "detail_ft", "fbt", "futi"} {
		if hasClass(n, c) {
			return "ft"
		}
	}
	return ""
}

// nearlySame reports two headline lines that are the same title: equal,
// one holding the other (a kicker run into the title line, 「…　应勇强调」),
// or a small edit apart (重庆梁平区 / 重庆梁平).
func nearlySame(a, b string) bool {
	a, b = compactLine(a), compactLine(b)
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	short, long := min(len(ra), len(rb)), max(len(ra), len(rb))
	if (strings.Contains(a, b) || strings.Contains(b, a)) && short*10 >= long*6 {
		return true
	}
	return long-short <= long/8+1 && editDistance(ra, rb) <= long/8+1
}

// compactLine drops white space, so that spacing does not tell lines apart.
func compactLine(s string) string { return strings.Join(strings.Fields(s), "") }

// editDistance is the Levenshtein distance of two rune strings.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
