package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold is the one normalisation of text for matching, applied to what is
// indexed and to every query term: NFKC (５７ is 57, （ is (, ㈠ is (一)),
// then lower case. It goes by NFKC's own segments (a character with what
// combines with it), so it equals the normalisation of the whole string,
// and each folded rune knows the rune of the original its segment starts
// at (for snippets).
func fold(s string) (folded []rune, from []int) {
	folded = make([]rune, 0, len(s)/2)
	from = make([]int, 0, len(s)/2)
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	idx, last := 0, 0
	for !it.Done() {
		pos := it.Pos()
		idx += utf8.RuneCountInString(s[last:pos])
		last = pos
		for _, r := range string(it.Next()) {
			folded = append(folded, unicode.ToLower(r))
			from = append(from, idx)
		}
	}
	return folded, from
}

// foldString is fold's text alone.
func foldString(s string) string {
	f, _ := fold(s)
	return string(f)
}

// gramTokens adds to set the tokens of the characters and character pairs
// of folded text (one segment: no pair spans two), as the short-term table
// indexes them.
func gramTokens(set map[string]struct{}, folded string) {
	prev := rune(-1)
	for _, r := range folded {
		set[unigram(r)] = struct{}{}
		if prev >= 0 {
			set[bigram(prev, r)] = struct{}{}
		}
		prev = r
	}
}

// unigram and bigram name a character and a pair as ASCII words, which
// FTS5's unicode61 tokenizer keeps whole: u + the code point in hex; b +
// the first, x, the second.
func unigram(r rune) string { return "u" + strconv.FormatInt(int64(r), 16) }

func bigram(a, b rune) string {
	return "b" + strconv.FormatInt(int64(a), 16) + "x" + strconv.FormatInt(int64(b), 16)
}

// gramsOf is the short-term table's text of a column: its folded
// segments' tokens, each once.
func gramsOf(segments ...string) string {
	set := map[string]struct{}{}
	for _, p := range segments {
		gramTokens(set, p)
	}
	var b strings.Builder
	b.Grow(len(set) * 10)
	for t := range set {
		b.WriteString(t)
		b.WriteByte(' ')
	}
	return b.String()
}
