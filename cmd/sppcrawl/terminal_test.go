package main

import (
	"strings"
	"testing"
)

func TestTerminalSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"标题\x1b]0;pwned\x07正文", "标题]0;pwned正文"},
		{"a\tb\nc\r\x00\x7f", "a\tb\nc"},
		{"c1\u009b31m red", "c131m red"},
		{"plain 正文", "plain 正文"},
	} {
		if got := terminalSafe(tc.in); got != tc.want {
			t.Errorf("terminalSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A C1 control split across two writes is still dropped.
func TestSafeWriter_SplitRune(t *testing.T) {
	var b strings.Builder
	w := &safeWriter{w: &b}
	csi := "\u009b" // C2 9B in UTF-8
	w.Write([]byte("x" + csi[:1]))
	w.Write([]byte(csi[1:] + "31m正"))
	w.Write([]byte("文"[:2]))
	w.Write([]byte("文"[2:]))
	if got := b.String(); got != "x31m正文" {
		t.Errorf("got %q", got)
	}
}
