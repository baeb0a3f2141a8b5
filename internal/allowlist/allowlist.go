// Package allowlist is the one policy of what an article's body may hold:
// its elements and attributes, the elements dropped with their content, the
// URL schemes, table spans and alignment. extract applies it when it makes
// body_html from a page, and web again when it renders a stored body, so
// both always agree.
//
// The policy is not a bluemonday.Policy, though bluemonday checks it in the
// tests: both users rewrite as they filter, which bluemonday cannot express.
// extract turns blocks (div, section) into paragraphs, drops blank ones,
// resolves URLs against the page, takes an image's source from CMS
// attributes and writes text-align without a space (body_html's bytes are
// a contract); web turns text-align into a class (its CSP forbids inline
// style), points images and attachments at their archived copies and shows
// an image without one as a link.
package allowlist

import (
	"net/url"
	"strings"
)

// elements are the elements a body keeps, by name.
var elements = map[string]bool{
	"p": true, "br": true, "strong": true, "b": true, "em": true, "i": true, "u": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true,
	"table": true, "caption": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "th": true, "td": true,
	"img": true, "a": true, "blockquote": true, "figure": true, "figcaption": true,
}

// droppedWhole are the elements whose content is no text of the page:
// code, styling, embedded objects, forms and the document's head.
var droppedWhole = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "iframe": true,
	"object": true, "embed": true, "svg": true, "math": true, "canvas": true,
	"form": true, "input": true, "button": true, "select": true, "textarea": true,
	"head": true, "title": true,
}

// Element reports whether a body keeps the element name (lower case);
// any other is dropped and its content kept, unless DroppedWhole.
func Element(name string) bool { return elements[name] }

// Elements lists the kept elements, for tables built from the policy.
func Elements() []string { return keys(elements) }

// DroppedWhole reports whether the element name is dropped with all it
// holds.
func DroppedWhole(name string) bool { return droppedWhole[name] }

// DroppedWholeElements lists the elements dropped whole.
func DroppedWholeElements() []string { return keys(droppedWhole) }

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Attribute reports whether element keeps the attribute key. Besides
// these, a kept element may carry text-align (see TextAlign), written as
// each user needs it; a kept attribute's value is checked by its own rule
// (URL, Span).
func Attribute(element, key string) bool {
	switch element {
	case "a":
		return key == "href"
	case "img":
		return key == "src" || key == "alt"
	case "td", "th":
		return key == "colspan" || key == "rowspan"
	}
	return false
}

// URL reports whether u, absolute, may be a link's target (link) or an
// image's source: http and https with a host, and mailto for links only.
func URL(u *url.URL, link bool) bool {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return link
	}
	return false
}

// Span reports whether v is a colspan or rowspan to keep: a whole number
// of at most five digits (browsers honour up to 65534 rows); anything else
// is no span a browser honours, and no text to carry over.
func Span(v string) bool {
	if v == "" || len(v) > 5 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// TextAlign is the alignment kept from an element's style and align
// attributes: "center", "right" or "". Only centre and right alignment
// carry meaning in these documents (signatures, dates, headings).
func TextAlign(style, align string) string {
	if strings.EqualFold(align, "center") || strings.EqualFold(align, "right") {
		return strings.ToLower(align)
	}
	if !strings.Contains(style, "align") && !strings.Contains(style, "ALIGN") {
		return "" // the common case: indentation and margins only
	}
	for style != "" {
		decl := style
		if i := strings.IndexByte(style, ';'); i >= 0 {
			decl, style = style[:i], style[i+1:]
		} else {
			style = ""
		}
		k, v, ok := strings.Cut(decl, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "text-align") {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
		switch {
		case strings.EqualFold(v, "center"):
			return "center"
		case strings.EqualFold(v, "right"):
			return "right"
		}
	}
	return ""
}
