package sppcrawl_test

import (
	"testing"
	"unicode/utf8"

	"sppcrawl"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"最高人民检察院", 3, "最高人…"},
		{"最高人", 3, "最高人"},
		{"a最b", 2, "a最…"},
		{"ab\xe6\x9c", 3, "ab\uFFFD"},      // a character cut in half by the sender
		{"\xff\xfe\xfdabc", 2, "\uFFFDa…"}, // not UTF-8 at all: one U+FFFD for the run
		{"abc", 0, "…"},
		{"abc", -1, "…"},
	} {
		got := sppcrawl.Clip(c.in, c.n)
		if got != c.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"abc", "最高人民检察院", "ab\xe6\x9c", "\xff"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % 300
		got := sppcrawl.Clip(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("Clip(%q, %d) = %q: not UTF-8", s, n, got)
		}
		if r := utf8.RuneCountInString(got); r > max(n, 0)+1 {
			t.Fatalf("Clip(%q, %d) = %q: %d characters", s, n, got, r)
		}
	})
}
