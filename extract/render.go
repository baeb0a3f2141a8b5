package extract

import (
	"cmp"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl"
	"sppcrawl/internal/allowlist"
)

// RenderBody writes an article's body_html again, for a page that shows it,
// through the allowlist that made it (internal/allowlist): its elements and
// attributes, text-align as a class (ta-c, ta-r: a page's CSP allows no
// inline style), links with rel="noopener noreferrer"; images from their
// archived copy (/media/sha256), those without one as a link to the site's
// (class img-missing). body_html is stored as sanitised, but an archive is
// data from outside too: it is never trusted as it stands. It lives here,
// beside the sanitiser, so that only extract reads HTML.
func RenderBody(a *sppcrawl.Article) string {
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
			if allowlist.DroppedWhole(tok.Data) {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			switch {
			case skip > 0 || !allowlist.Element(tok.Data):
			case tok.DataAtom == atom.Img && local[imgSrc(tok)] == "":
				writeMissingImage(&b, tok)
			default:
				writeStart(&b, tok, local)
			}
		case html.EndTagToken:
			if allowlist.DroppedWhole(tok.Data) {
				skip = max(skip-1, 0)
				continue
			}
			if skip == 0 && allowlist.Element(tok.Data) && tok.DataAtom != atom.Br && tok.DataAtom != atom.Img {
				b.WriteString("</" + tok.DataAtom.String() + ">")
			}
		}
	}
	return b.String()
}

// writeStart writes a start tag with its allowed attributes.
func writeStart(b *strings.Builder, tok html.Token, local map[string]string) {
	name := tok.DataAtom.String()
	b.WriteString("<" + name)
	attr := func(k, v string) { b.WriteString(" " + k + `="` + html.EscapeString(v) + `"`) }
	for _, at := range tok.Attr {
		switch {
		case at.Key == "style":
			if c := alignClass[allowlist.TextAlign(at.Val, "")]; c != "" {
				attr("class", c)
			}
		case !allowlist.Attribute(tok.Data, at.Key):
		case at.Key == "href":
			if u, ok := safeURL(at.Val, true); ok {
				attr("href", cmp.Or(local[u], u))
				attr("rel", "noopener noreferrer nofollow")
			}
		case at.Key == "src":
			if u, ok := safeURL(at.Val, false); ok {
				attr("src", cmp.Or(local[u], u))
				attr("loading", "lazy")
			}
		case at.Key == "alt":
			attr("alt", at.Val)
		case allowlist.Span(at.Val): // colspan, rowspan
			attr(at.Key, at.Val)
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

// safeURL accepts an absolute URL the allowlist takes for a link (link) or
// an image's source, read as a browser reads it.
func safeURL(s string, link bool) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || !allowlist.URL(u, link) {
		return "", false
	}
	return u.String(), true
}

// alignClass is the class of a kept text-align.
var alignClass = map[string]string{"center": "ta-c", "right": "ta-r"}
