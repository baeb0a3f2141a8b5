package pdftext

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ledongthuc/pdf"
)

// The library's lexer loops for ever on a hex string (<…>) that a stream
// ends inside: at the end of its data it reads a space, and a space never
// ends a hex string (FuzzRead found it). The streams it interprets — a
// page's content and its fonts' ToUnicode maps — are checked first, so a
// hostile PDF is refused in words instead of hanging the crawl.

// checkStreams refuses a page whose content or ToUnicode streams end
// inside a hex string.
func checkStreams(p pdf.Page, n int) error {
	streams := []pdf.Value{}
	if c := p.V.Key("Contents"); c.Kind() == pdf.Array {
		for i := range c.Len() {
			streams = append(streams, c.Index(i))
		}
	} else {
		streams = append(streams, c)
	}
	for _, name := range p.Fonts() {
		streams = append(streams, p.Font(name).V.Key("ToUnicode"))
	}
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(s.Reader(), MaxBytes))
		if err != nil {
			return fmt.Errorf("%w: page %d: a stream does not read: %v", ErrUnreadable, n, err)
		}
		if !hexStringsEnd(b) {
			return fmt.Errorf("%w: page %d: a stream ends inside a hex string", ErrUnreadable, n)
		}
	}
	return nil
}

// hexStringsEnd reports whether every hex string of a content stream ends
// within it, reading it as the PDF lexer does: comments, literal strings
// (nested, with escapes), dictionaries (<<) and inline images' data
// (ID … EI) hold no hex string.
func hexStringsEnd(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '%':
			j := bytes.IndexAny(b[i:], "\r\n")
			if j < 0 {
				return true // a comment to the end
			}
			i += j
		case c == '(':
			i = literalEnd(b, i)
		case c == '<' && i+1 < len(b) && b[i+1] == '<':
			i++
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return false
			}
			i += j
		case c == 'I' && i+1 < len(b) && b[i+1] == 'D' && isSpaceAt(b, i-1) && isSpaceAt(b, i+2):
			j := bytes.Index(b[i+2:], []byte("EI"))
			if j < 0 {
				return true // the image runs to the end: no hex string after it
			}
			i += 2 + j + 1
		}
	}
	return true
}

// literalEnd is the index of the ) that ends the literal string opening at
// i (the last byte when none does: the lexer stops at the end there).
func literalEnd(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(b) - 1
}

// isSpaceAt says whether b[i] is PDF white space, or outside b.
func isSpaceAt(b []byte, i int) bool {
	if i < 0 || i >= len(b) {
		return true
	}
	return bytes.IndexByte([]byte("\x00\t\n\f\r "), b[i]) >= 0
}
