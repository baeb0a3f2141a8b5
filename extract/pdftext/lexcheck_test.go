package pdftext

import "testing"

// A content stream ending inside a hex string is what the library's lexer
// loops on; every other place a '<' stands is not one.
func TestHexStringsEnd(t *testing.T) {
	for _, c := range []struct {
		stream string
		want   bool
	}{
		{"BT /F1 12 Tf <0041> Tj ET", true},
		{"BT /F1 12 Tf <0041", false},
		{"BT <</MCID 0>> BDC (a < b) Tj EMC ET", true},
		{"% a comment < here\nBT (x) Tj ET", true},
		{"BT (nested (paren <) and \\) escape) Tj ET <00", false},
		{"BI /W 1 /H 1 ID \x3c\x01\x02 EI BT <0041> Tj ET", true},
		{"BT (never closed <", true}, // the lexer ends a literal string at the end
	} {
		if got := hexStringsEnd([]byte(c.stream)); got != c.want {
			t.Errorf("hexStringsEnd(%q) = %v, want %v", c.stream, got, c.want)
		}
	}
}
