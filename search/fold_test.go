package search

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzFold: folding rune by rune with an origin map, and folding by the
// table of starters, are the whole string's NFKC in lower case (each byte
// that is no UTF-8 a U+FFFD), and the map points into the original.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"检例第５７号", "（２０２１）", "㈠ Ａｂ", "e\u0301", "ﬁ", "İ", "Ａ\u0301，\u0301：", "ｶﾞ", "a" + strings.Repeat("\u0301", 40) + "中", "a\xffb", "中\xe4\xb8文", "Ａ\xc3", "뽸ﾫ", "ㄱㅏ", "\xf6\u0340"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded, from := fold(s)
		// string([]rune(s)): a byte that is no UTF-8 is U+FFFD first (x/text
		// leaves what follows such a byte unnormalised: "\xf7³").
		want := []rune(strings.ToLower(norm.NFKC.String(string([]rune(s)))))
		if string(folded) != string(want) {
			t.Fatalf("%q: fold %q, want %q", s, string(folded), string(want))
		}
		if f := foldString(s); f != string(want) {
			t.Fatalf("%q: foldString %q, want %q", s, f, string(want))
		}
		n := utf8.RuneCountInString(s)
		for i, o := range from {
			if o < 0 || o >= n || i > 0 && o < from[i-1] {
				t.Fatalf("%q: from %v", s, from)
			}
		}
	})
}

// TestAppendHex: the tokens' hex is strconv's, which earlier indexes were
// written with.
func TestAppendHex(t *testing.T) {
	for _, v := range []uint32{0, 1, 0xf, 0x10, 0x7f6a, 0x9fff, 0x10ffff, 0xfffd, ^uint32(0)} {
		if got, want := string(appendHex([]byte("x"), v)), "x"+strconv.FormatUint(uint64(v), 16); got != want {
			t.Errorf("%#x: %q, want %q", v, got, want)
		}
	}
}
