package sppcrawl

import (
	"strings"
	"unicode/utf8"
)

// Clip shortens s to at most n characters, marking the cut with "…", for
// echoing what a client or a page sent in a message. It never cuts a
// character in half, and bytes that are not UTF-8 (hostile input) become
// U+FFFD, so the message is valid text in JSON, HTML and logs alike.
func Clip(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if n < 0 {
		n = 0
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
