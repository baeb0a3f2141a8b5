package pdftext

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pageNumberRE matches a page-number line: "- 1 -", "—1—", "第1页",
// "第 1 页 共 3 页", "1/3", "1", "Page 1".
var pageNumberRE = regexp.MustCompile(`^(?:[-－—–]+\s*\d+\s*[-－—–]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|\d+\s*/\s*\d+|\d+|(?i:page)\s*\d+(?:\s*of\s*\d+)?)$`)

// ends are the characters a line ending its paragraph ends with: the
// closing punctuation of a sentence or clause, a closing bracket or quote.
const ends = "。；：！？;:!?」』”’）)】〕》"

// line is a line of the document ready for re-flowing.
type line struct {
	text    string
	width   float64 // in characters: a Han character 1, other 0.5
	indent  float64 // from the text's left edge, in characters
	heading bool
}

// Reflow turns the lines of a document's pages into its paragraphs: page
// numbers dropped, spaces a layout puts between Chinese characters and
// digits collapsed ("2024 年" → "2024年", "起 诉 书" → "起诉书"), a line
// broken mid-sentence joined to the next. A line ends its paragraph when
// it ends a sentence or clause (ends), when it stops well before the
// right margin, or when the next opens one (indented); a heading (a short
// line set off from the left edge: the procuratorate, 起诉书, the 文号, a
// centred date) is a paragraph of its own. Lines without places (X 0)
// are re-flowed by their text alone.
func Reflow(pages [][]Line) []string {
	lines := prepare(pages)
	full := 0.0
	for _, l := range lines {
		if !l.heading {
			full = max(full, l.indent+l.width)
		}
	}
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for i, l := range lines {
		if l.heading || l.indent >= 1.5 {
			flush()
		}
		b.WriteString(l.text)
		last := i == len(lines)-1 || lines[i+1].heading
		r, _ := utf8.DecodeLastRuneInString(l.text)
		if last || l.heading || strings.ContainsRune(ends, r) || l.indent+l.width < 0.6*full {
			flush()
		}
	}
	flush()
	return out
}

// prepare drops page numbers and blank lines, collapses the layout's
// spaces and measures each line against the document's left edge.
func prepare(pages [][]Line) []line {
	left, size := -1.0, 0.0
	for _, p := range pages {
		for _, l := range p {
			if strings.TrimSpace(l.Text) != "" && (left < 0 || l.X < left) {
				left = l.X
			}
			size = max(size, l.Size)
		}
	}
	var out []line
	for _, p := range pages {
		for _, l := range p {
			t := collapse(l.Text)
			if t == "" || pageNumberRE.MatchString(t) {
				continue
			}
			ln := line{text: t, width: width(t)}
			if size > 0 {
				ln.indent = (l.X - left) / size
			}
			ln.heading = ln.indent >= 3 && utf8.RuneCountInString(t) <= 40
			out = append(out, ln)
		}
	}
	return out
}

// width is a line's width in characters of the font's size.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if wide(r) {
			w++
		} else {
			w += 0.5
		}
	}
	return w
}

// collapse trims a line, makes its runs of spaces one and drops the
// spaces beside a Chinese character or punctuation that meet a digit or
// another.
func collapse(s string) string {
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && tight(rs[i-1], rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tight says whether no space belongs between a and b: Chinese on one
// side, Chinese or a digit on the other.
func tight(a, b rune) bool {
	switch {
	case wide(a) && wide(b):
		return true
	case wide(a):
		return unicode.IsDigit(b)
	case wide(b):
		return unicode.IsDigit(a)
	}
	return false
}

// wide is a character of the full width: Han, the CJK punctuation and
// the full-width forms.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}
