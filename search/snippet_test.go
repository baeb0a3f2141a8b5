package search

import (
	"strings"
	"testing"
)

// A snippet is the segment around its first match: whole when it fits in
// the width, else cut with … on the side it is cut, its match ranges
// counted in the characters of its text, its HTML escaped with <mark>.
func TestSnippet_Cut(t *testing.T) {
	long := strings.Repeat("甲", 100) + "<受贿>" + strings.Repeat("乙", 100)
	for _, c := range []struct {
		name, seg, term string
		text, html      string
	}{
		{"fits: whole", strings.Repeat("甲", 60) + "受贿" + strings.Repeat("乙", 50), "受贿",
			strings.Repeat("甲", 60) + "受贿" + strings.Repeat("乙", 50),
			strings.Repeat("甲", 60) + "<mark>受贿</mark>" + strings.Repeat("乙", 50)},
		{"cut on both sides", long, "受贿",
			"…" + strings.Repeat("甲", 29) + "<受贿>" + strings.Repeat("乙", 87) + "…",
			"…" + strings.Repeat("甲", 29) + "&lt;<mark>受贿</mark>&gt;" + strings.Repeat("乙", 87) + "…"},
		{"a match longer than the width is whole", strings.Repeat("丙", 130), strings.Repeat("丙", 125),
			strings.Repeat("丙", 125) + "…", "<mark>" + strings.Repeat("丙", 125) + "</mark>…"},
	} {
		q, err := ParseQuery(c.term)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := findIn(c.seg, 3, q.Clauses[0].Terms)
		if !ok {
			t.Fatalf("%s: %q not found", c.name, c.term)
		}
		s := f.snippet()
		if s.Text != c.text || s.HTML != c.html {
			t.Errorf("%s:\n text %q\n html %q\nwant\n text %q\n html %q", c.name, s.Text, s.HTML, c.text, c.html)
		}
		r := []rune(s.Text)
		if m := s.Match[0]; !strings.Contains(string(r[m[0]:m[1]]), c.term[:3]) {
			t.Errorf("%s: match %v is %q", c.name, m, string(r[m[0]:m[1]]))
		}
	}
}
