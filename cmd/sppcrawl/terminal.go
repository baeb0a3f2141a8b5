package main

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Text from the site reaches a terminal through these: a page's ESC, OSC or
// BEL bytes must never move the cursor, set the window title or ring the
// bell. Extraction drops control characters from every field already; this
// is the second line, for every text the command line prints.

// isControl: C0 controls but TAB and LF, DEL, and the C1 controls.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f
}

// terminalSafe is s without its control characters.
func terminalSafe(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// safeWriter writes text without control characters. A multi-byte rune
// split across two writes is held until it is whole, so a C1 control can
// not slip through in halves.
type safeWriter struct {
	w       io.Writer
	pending []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	b := append(s.pending, p...)
	cut := len(b)
	// Hold back an incomplete rune at the end.
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	s.pending = append(s.pending[:0:0], b[cut:]...)
	if _, err := io.WriteString(s.w, terminalSafe(string(b[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
