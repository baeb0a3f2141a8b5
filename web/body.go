package web

import (
	"cmp"
	"html/template"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl"
)

// bodyElements are the elements a body keeps (those extract keeps): any
// other is dropped, its text kept, except those whose content is no text
// of the page (script, style and the like), dropped whole.
var bodyElements = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Strong: true, atom.B: true, atom.Em: true, atom.I: true, atom.U: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Table: true, atom.Thead: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Caption: true, atom.Img: true,
	atom.A: true, atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true,
}

var droppedWhole = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true, atom.Title: true, atom.Textarea: true,
}

// safeBody writes an article's body_html again through the allowlist:
// elements of bodyElements only; attributes href (a), src and alt (img),
// colspan and rowspan (td, th: digits only), and text-align as a class
// (the page's CSP allows no inline style); links only to http(s) or
// mailto, with rel="noopener noreferrer"; images from their archived copy
// (/media/sha256), those without one as a link to the site's.
func safeBody(a *sppcrawl.Article) template.HTML {
	local := map[string]string{}
	for _, im := range a.Images {
		if im.SHA256 != "" {
			local[im.URL] = "/media/" + im.SHA256
		}
	}
	for _, at := range a.Attachments {
		if at.SHA256 != "" {
			local[at.URL] = "/media/" + at.SHA256 + "?article=" + a.ID // downloads under its own name
		}
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(a.BodyHTML))
	skip := 0 // depth inside an element dropped whole
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // the end, or HTML too broken to read on: what came is kept
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.EscapeString(tok.Data))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if droppedWhole[tok.DataAtom] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			switch {
			case skip > 0 || !bodyElements[tok.DataAtom]:
			case tok.DataAtom == atom.Img && local[imgSrc(tok)] == "":
				writeMissingImage(&b, tok)
			default:
				writeStart(&b, tok, local)
			}
		case html.EndTagToken:
			if droppedWhole[tok.DataAtom] {
				skip = max(skip-1, 0)
				continue
			}
			if skip == 0 && bodyElements[tok.DataAtom] && tok.DataAtom != atom.Br && tok.DataAtom != atom.Img {
				b.WriteString("</" + tok.DataAtom.String() + ">")
			}
		}
	}
	return template.HTML(b.String())
}

// writeStart writes a start tag with its allowed attributes.
func writeStart(b *strings.Builder, tok html.Token, local map[string]string) {
	name := tok.DataAtom.String()
	b.WriteString("<" + name)
	attr := func(k, v string) { b.WriteString(" " + k + `="` + html.EscapeString(v) + `"`) }
	for _, at := range tok.Attr {
		switch {
		case tok.DataAtom == atom.A && at.Key == "href":
			if u, ok := safeURL(at.Val, true); ok {
				attr("href", cmp.Or(local[u], u))
				attr("rel", "noopener noreferrer nofollow")
			}
		case tok.DataAtom == atom.Img && at.Key == "src":
			if u, ok := safeURL(at.Val, false); ok {
				attr("src", cmp.Or(local[u], u))
				attr("loading", "lazy")
			}
		case tok.DataAtom == atom.Img && at.Key == "alt":
			attr("alt", at.Val)
		case (tok.DataAtom == atom.Td || tok.DataAtom == atom.Th) && (at.Key == "colspan" || at.Key == "rowspan"):
			if at.Val != "" && len(at.Val) <= 3 && strings.Trim(at.Val, "0123456789") == "" {
				attr(at.Key, at.Val)
			}
		case at.Key == "style":
			if c := alignClass(at.Val); c != "" {
				attr("class", c)
			}
		}
	}
	b.WriteString(">")
}

// imgSrc is an image's source as safeURL reads it ("" if unsafe).
func imgSrc(tok html.Token) string {
	for _, at := range tok.Attr {
		if at.Key == "src" {
			u, _ := safeURL(at.Val, false)
			return u
		}
	}
	return ""
}

// writeMissingImage writes an image with no archived copy as a link to
// where the site has it: the page fetches nothing from another origin
// (nor tells it who reads what).
func writeMissingImage(b *strings.Builder, tok html.Token) {
	alt := ""
	for _, at := range tok.Attr {
		if at.Key == "alt" {
			alt = at.Val
		}
	}
	label := "[图片，未存档]"
	if alt = strings.TrimSpace(alt); alt != "" {
		label = "[图片：" + alt + "，未存档]"
	}
	if u := imgSrc(tok); u != "" {
		b.WriteString(`<a class="img-missing" href="` + html.EscapeString(u) + `" rel="noopener noreferrer nofollow">` + html.EscapeString(label) + `</a>`)
		return
	}
	b.WriteString(`<span class="img-missing">` + html.EscapeString(label) + `</span>`)
}

// safeURL accepts an absolute http(s) URL (and mailto for links), read as
// a browser reads it.
func safeURL(s string, link bool) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.String(), u.Host != ""
	case "mailto":
		return u.String(), link
	}
	return "", false
}

// alignClass is the class of a kept text-align (center or right).
func alignClass(style string) string {
	s := strings.ToLower(strings.ReplaceAll(style, " ", ""))
	switch {
	case strings.Contains(s, "text-align:center"):
		return "ta-c"
	case strings.Contains(s, "text-align:right"):
		return "ta-r"
	}
	return ""
}
