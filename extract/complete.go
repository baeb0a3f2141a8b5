package extract

import (
	"bytes"
	"fmt"
	"strings"

	"sppcrawl"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A dropped connection in a close-delimited HTTP answer (no Content-Length)
// looks like a normal end of body: nothing in HTTP says the page is cut. So a
// page is proven whole by its content: every template of the site ends with
// its footer and </body></html>, after the article or the list. A page whose
// bytes hold no end of document was cut short, whatever else it looks like.

// CheckComplete reports a page cut short: nil when body (any charset) holds
// its end of document, else a *sppcrawl.PageError wrapping sppcrawl.ErrIncomplete that says
// where the bytes stop. name is the URL or file, for the message.
func CheckComplete(body []byte, contentType, name string) error {
	b, _ := DecodeHTML(body, contentType)
	return checkComplete(b, name)
}

func checkComplete(b []byte, name string) error {
	if endOfDocument(b) {
		return nil
	}
	// The byte scan is a heuristic about comments and scripts; a tokenizer
	// has the last word (and pays only for pages the scan doubts).
	if ended, where := tokenEnd(b); !ended {
		return pageErr(name, sppcrawl.ErrIncomplete, where)
	}
	return nil
}

// endOfDocument reports whether b holds a </body> or </html> end tag that is
// markup: not inside a script, a style or a comment. Trailing bytes after it
// (white space, a counter's script, garbage) do not matter. It scans from the
// end, where the tag of a whole page is, with byte searches only: it runs on
// every page fetched and parsed.
func endOfDocument(b []byte) bool {
	end := len(b)
	for {
		i := bytes.LastIndex(b[:end], []byte("</"))
		if i < 0 {
			return false
		}
		end = i
		if !hasPrefixFold(b[i+2:], "body") && !hasPrefixFold(b[i+2:], "html") {
			continue
		}
		if c := byteAt(b, i+6); c != '>' && !isASCIISpace(c) {
			continue // </bodyx>, or a cut inside the tag itself
		}
		if bytes.IndexByte(b[i:], '>') < 0 {
			continue // the end tag itself is cut
		}
		if inRawText(b[:i]) {
			continue
		}
		return true
	}
}

func byteAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

func hasPrefixFold(b []byte, lower string) bool {
	if len(b) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// inRawText reports whether the end of b lies inside a comment, a script or
// a style element, where "</body>" is text, not markup. The nearest script
// or style boundary before it decides (they do not nest): an opening tag
// means inside. On a whole page that boundary is the last script, a few tags
// back.
func inRawText(b []byte) bool {
	if open := bytes.LastIndex(b, []byte("<!--")); open >= 0 && !bytes.Contains(b[open+4:], []byte("-->")) {
		return true
	}
	for end := len(b); ; {
		i := bytes.LastIndexByte(b[:end], '<')
		if i < 0 {
			return false
		}
		end = i
		closing := byteAt(b, i+1) == '/'
		name := b[i+1:]
		if closing {
			name = b[i+2:]
		}
		for _, tag := range []string{"script", "style"} {
			if hasPrefixFold(name, tag) {
				if c := byteAt(name, len(tag)); c == '>' || c == '/' || isASCIISpace(c) || c == 0 {
					return !closing
				}
			}
		}
	}
}

// tokenEnd tokenizes b as a browser would and reports whether an end tag of
// body or html is in it; if not, where the page stops: the path of elements
// still open (with their ids and classes, which name the template's parts)
// and after how many bytes.
func tokenEnd(b []byte) (ended bool, where string) {
	type open struct {
		tag  atom.Atom
		name string
	}
	var stack []open
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken:
			tn, hasAttr := z.TagName()
			a := atom.Lookup(tn)
			if isVoid(a) {
				continue
			}
			name := "<" + string(tn)
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if (string(k) == "id" || string(k) == "class") && len(v) > 0 {
					name += fmt.Sprintf(" %s=%q", k, v)
				}
			}
			stack = append(stack, open{a, name + ">"})
		case html.EndTagToken:
			tn, _ := z.TagName()
			a := atom.Lookup(tn)
			if a == atom.Body || a == atom.Html {
				return true, ""
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].tag == a {
					stack = stack[:i]
					break
				}
			}
		}
	}
	var path []string
	for _, o := range stack {
		if o.tag != atom.Html {
			path = append(path, o.name)
		}
	}
	where = "before any element"
	if len(path) > 0 {
		where = "inside " + strings.Join(path, " › ")
	}
	return false, fmt.Sprintf("cut short: the answer ends %s after %d bytes, with no end of document (</body></html>)", where, len(b))
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
