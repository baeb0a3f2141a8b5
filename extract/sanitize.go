package extract

import (
	"net/url"
	"path"
	"strings"

	"sppcrawl"
	"sppcrawl/internal/allowlist"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// keptAtoms and droppedAtoms are the allowlist's tables by atom: they are
// looked up for every element of every page.
var keptAtoms, droppedAtoms = atomSet(allowlist.Elements()), atomSet(allowlist.DroppedWholeElements())

func atomSet(names []string) map[atom.Atom]bool {
	set := make(map[atom.Atom]bool, len(names))
	for _, name := range names {
		set[atom.Lookup([]byte(name))] = true
	}
	return set
}

// isAllowed: the tags kept in body_html.
func isAllowed(a atom.Atom) bool { return keptAtoms[a] }

// isDropped: the elements dropped with their content, from body_html and
// from every text read off the page.
func isDropped(a atom.Atom) bool { return droppedAtoms[a] }

var attachmentExt = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
	".wps": true, ".ofd": true, ".zip": true, ".rar": true,
}

// sanitizer renders the body as reposting-safe HTML and collects images and
// attachments on the way, so URLs are resolved once.
type sanitizer struct {
	base        *url.URL
	b           strings.Builder // the output, written straight into
	images      []sppcrawl.Image
	attachments []sppcrawl.Attachment
	seenImg     map[string]bool
	sizeHint    int // expected output size: growing the buffer costs more
}

func (s *sanitizer) render(root *html.Node) string {
	s.b.Grow(s.sizeHint)
	walkTree(root, s)
	return strings.TrimSpace(s.b.String())
}

// enter writes the opening tag of an allowed element (its atom is the mark,
// for leave to close it), the text of a text node, an image; what is not
// allowed keeps its content without its tag. Blank elements are recognised
// before anything is written (blank reads only until the first visible
// character, which is nearly always the first).
func (s *sanitizer) enter(n *html.Node) (walkCtl, int) {
	switch n.Type {
	case html.TextNode:
		if strings.TrimSpace(n.Data) == "" && strings.ContainsRune(n.Data, '\n') {
			return skip, 0 // source indentation between blocks
		}
		writeEscaped(&s.b, n.Data)
		return skip, 0
	case html.ElementNode:
	default:
		return skip, 0
	}
	if isDropped(n.DataAtom) {
		return skip, 0
	}
	if skipIt, end := furniture(n); end {
		return stop, 0
	} else if skipIt {
		return skip, 0
	}
	tag := n.DataAtom
	if tag == atom.Div || tag == atom.Section || tag == atom.Center || tag == atom.Article {
		if hasBlockChild(n) {
			return descend, 0
		}
		tag = atom.P
	}
	if !isAllowed(tag) {
		return descend, 0 // span, font, …: keep the content, drop the tag
	}
	switch tag {
	case atom.Br:
		s.b.WriteString("<br>")
		return skip, 0
	case atom.Img:
		s.img(n)
		return skip, 0
	}
	var href string
	if tag == atom.A {
		if href = absURL(s.base, attr(n, "href"), true); href == "" {
			return descend, 0 // an anchor without a safe target is just its text
		}
	}
	if tag != atom.Td && tag != atom.Th && tag != atom.Tr && blank(n) {
		s.collectAttachments(n) // an icon-only link to a PDF is still an attachment
		return skip, 0          // empty and &nbsp;-only blocks are noise in a repost
	}
	s.openTag(n, tag, href)
	return descend, int(tag)
}

// openTag writes <tag …> with the attributes the allowlist keeps.
func (s *sanitizer) openTag(n *html.Node, tag atom.Atom, href string) {
	b := &s.b
	b.WriteByte('<')
	b.WriteString(tag.String())
	switch tag {
	case atom.A:
		writeAttr(b, "href", href)
		s.attachment(href, n)
	case atom.Td, atom.Th:
		for _, k := range []string{"colspan", "rowspan"} {
			if v := attr(n, k); allowlist.Span(v) {
				writeAttr(b, k, v)
			}
		}
	}
	if align := allowlist.TextAlign(attr(n, "style"), attr(n, "align")); align != "" {
		writeAttr(b, "style", "text-align:"+align)
	}
	b.WriteByte('>')
}

func (s *sanitizer) leave(_ *html.Node, mark int) {
	tag := atom.Atom(mark)
	if tag == 0 {
		return
	}
	s.b.WriteString("</")
	s.b.WriteString(tag.String())
	s.b.WriteByte('>')
	if tag == atom.P || tag == atom.Table || tag == atom.Ul || tag == atom.Ol || tag == atom.Figure || tag == atom.Blockquote || (tag >= atom.H1 && tag <= atom.H6) {
		s.b.WriteByte('\n')
	}
}

// img keeps src (what the browser loads); oldsrc/uploadpic are CMS bookkeeping,
// used only when src is missing and never written out.
func (s *sanitizer) img(n *html.Node) {
	b := &s.b
	src := absURL(s.base, attr(n, "src"), false)
	if src == "" {
		src = absURL(s.base, attr(n, "oldsrc"), false)
	}
	if src == "" {
		src = absURL(s.base, attr(n, "uploadpic"), false)
	}
	if src == "" {
		return
	}
	alt := NormalizeText(attr(n, "alt"))
	b.WriteString("<img")
	writeAttr(b, "src", src)
	if alt != "" {
		writeAttr(b, "alt", alt)
	}
	b.WriteByte('>')
	if s.seenImg == nil {
		s.seenImg = map[string]bool{}
	}
	if !s.seenImg[src] {
		s.seenImg[src] = true
		s.images = append(s.images, sppcrawl.Image{URL: src, Alt: alt})
	}
}

func (s *sanitizer) attachment(href string, a *html.Node) {
	u, err := url.Parse(href)
	if err != nil || !attachmentExt[strings.ToLower(path.Ext(u.Path))] {
		return
	}
	for _, at := range s.attachments {
		if at.URL == href {
			return
		}
	}
	name := NormalizeText(textOf(a))
	if name == "" {
		name = path.Base(u.Path)
	}
	s.attachments = append(s.attachments, sppcrawl.Attachment{URL: href, Name: name})
}

func (s *sanitizer) collectAttachments(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		if href := absURL(s.base, attr(n, "href"), true); href != "" {
			s.attachment(href, n)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s.collectAttachments(c)
	}
}

func writeAttr(b *strings.Builder, k, v string) {
	b.WriteByte(' ')
	b.WriteString(k)
	b.WriteString(`="`)
	writeEscaped(b, v)
	b.WriteByte('"')
}

// escapeByte marks the bytes writeEscaped must look at: those to escape,
// the control characters to drop (C0 but TAB and LF, DEL; 0xC2 leads the C1
// controls), and the lead bytes of the zero-width characters (U+200B–U+200D
// as E2 80 8B–8D, U+FEFF as EF BB BF).
var escapeByte = func() (t [256]bool) {
	for _, c := range []byte{'&', '<', '>', '"', '\'', '\r', 0x7f, 0xC2, 0xE2, 0xEF} {
		t[c] = true
	}
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n'
	}
	return t
}()

// needsEscape: s has a byte writeEscaped must look at. One table lookup a
// byte; most text nodes have none.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if escapeByte[s[i]] {
			return true
		}
	}
	return false
}

// writeEscaped is html.EscapeString without the intermediate string; it also
// drops zero-width and control characters.
func writeEscaped(b *strings.Builder, s string) {
	if !needsEscape(s) {
		b.WriteString(s)
		return
	}
	last := 0
	drop := func(i, n int) int { // drops s[i:i+n], returns the index of its last byte
		b.WriteString(s[last:i])
		last = i + n
		return i + n - 1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !escapeByte[c] {
			continue
		}
		var esc string
		switch {
		case c == 0xC2:
			if i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F {
				i = drop(i, 2)
			}
			continue
		case c == 0xE2:
			if i+2 < len(s) && s[i+1] == 0x80 && s[i+2] >= 0x8B && s[i+2] <= 0x8D {
				i = drop(i, 3)
			}
			continue
		case c == 0xEF:
			if i+2 < len(s) && s[i+1] == 0xBB && s[i+2] == 0xBF {
				i = drop(i, 3)
			}
			continue
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&#34;"
		case c == '\'':
			esc = "&#39;"
		case c == '\r':
			esc = "&#13;"
		default: // a control character
			i = drop(i, 1)
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func hasBlockChild(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && isBlock(c.DataAtom) {
			return true
		}
	}
	return false
}

// blank reports an element with no visible text and no image: what would
// render as an empty paragraph. Dropped and widget subtrees do not count.
func blank(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			for _, r := range c.Data {
				if !isSpace(r) && !isZeroWidth(r) {
					return false
				}
			}
		case html.ElementNode:
			if c.DataAtom == atom.Img || c.DataAtom == atom.Table {
				return false
			}
			if !isDropped(c.DataAtom) && !isWidget(c) && !blank(c) {
				return false
			}
		}
	}
	return true
}

// absURL resolves ref against base and returns it absolute when the
// allowlist takes it for a link (link) or an image's source, keeping query
// and fragment (images and attachments may live on other hosts); for
// anything else it returns "" and the attribute is dropped. It is an allowlist on purpose: a denylist of javascript: misses
// JaVaScRiPt:, vbscript: and whatever browsers accept next.
//
// Browsers strip leading and trailing C0 controls and spaces and drop every
// tab and newline inside a URL before reading its scheme (WHATWG URL), so
// " java\tscript:" is javascript: to them; ref is cleaned the same way first.
func absURL(base *url.URL, ref string, link bool) string {
	ref = strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(ref, "\t\n\r") {
		ref = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, ref)
	}
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref) // refuses other control characters
	if err != nil {
		return ""
	}
	abs := base.ResolveReference(u)
	if !allowlist.URL(abs, link) {
		return ""
	}
	if strings.EqualFold(abs.Scheme, "mailto") {
		return abs.String()
	}
	if strings.EqualFold(abs.Hostname(), base.Hostname()) {
		// The site's own files, like its pages (base), are https.
		abs.Scheme = "https"
	}
	// String escapes the path and the fragment, not the query: a space or
	// a byte past ASCII there is sent as browsers send it (WHATWG's query
	// set), so no URL written out holds white space.
	abs.RawQuery = escapeQuery(abs.RawQuery)
	return abs.String()
}

// escapeQuery percent-encodes what a browser encodes in a query: controls,
// space, ", #, <, > and every byte past ASCII.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	done := 0 // q[:done] is in b
	for i := 0; i < len(q); i++ {
		if c := q[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' {
			b.WriteString(q[done:i])
			b.Write([]byte{'%', hex[c>>4], hex[c&15]})
			done = i + 1
		}
	}
	if done == 0 {
		return q
	}
	b.WriteString(q[done:])
	return b.String()
}
