package search

import (
	"strconv"
	"strings"
	"sync"
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

// foldString is fold's text alone, without fold's per-segment walk.
// Normalisation segments start at characters that combine with nothing
// before them (starters); a starter followed by another is a segment alone,
// folded from a table (nearly every character of a Chinese article); a
// longer segment is normalised as one piece. Normalising segment by segment
// is normalising the whole (FuzzFold checks it).
func foldString(s string) string {
	startersOnce.Do(makeStarters)
	b := make([]byte, 0, len(s))
	r, size := utf8.DecodeRuneInString(s)
	for i := 0; i < len(s); {
		j := i + size
		next, nsize := utf8.DecodeRuneInString(s[j:])
		if isStarter(r) && (j == len(s) || isStarter(next)) {
			switch {
			case changes(r):
				b = append(b, starterFold[r]...)
			case r == utf8.RuneError:
				b = utf8.AppendRune(b, r) // a byte that is no UTF-8, as in lower case
			default:
				b = append(b, s[i:j]...)
			}
			i, r, size = j, next, nsize
			continue
		}
		for j < len(s) && !isStarter(next) {
			j += nsize
			next, nsize = utf8.DecodeRuneInString(s[j:])
		}
		b = appendLower(b, norm.NFKC.String(s[i:j]))
		i, r, size = j, next, nsize
	}
	return string(b)
}

// starters marks the characters of the Basic Multilingual Plane that begin
// a normalisation segment; starterFold are those among them that fold to
// other text alone (full-width forms, capitals), with that text.
var (
	startersOnce sync.Once
	starters     [0x10000 / 64]uint64
	changed      [0x10000 / 64]uint64
	starterFold  map[rune]string
)

func makeStarters() {
	starterFold = map[rune]string{}
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		s := string(r)
		if !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			continue
		}
		starters[r/64] |= 1 << (r % 64)
		if f := strings.ToLower(norm.NFKC.String(s)); f != s {
			starterFold[r] = f
			changed[r/64] |= 1 << (r % 64)
		}
	}
}

func isStarter(r rune) bool { return r < 0x10000 && starters[r/64]&(1<<(r%64)) != 0 }

func changes(r rune) bool { return changed[r/64]&(1<<(r%64)) != 0 }

// appendLower appends s in lower case, as unicode.ToLower rune by rune.
// CJK blocks (U+2E80–U+9FFF) have no case: they are copied.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x2E80 || r > 0x9FFF {
			r = unicode.ToLower(r)
		}
		b = utf8.AppendRune(b, r)
		i += size
	}
	return b
}

// appendGrams appends the short-term table's tokens of column col: its
// folded segments' characters and character pairs (no pair spans two
// segments), each once, separated by spaces.
func appendGrams(b []byte, col int, segments []string) []byte {
	set := make(map[uint64]struct{}, 256)
	for _, p := range segments {
		prev := rune(-1)
		for _, r := range p {
			set[gramKey(-1, r)] = struct{}{}
			if prev >= 0 {
				set[gramKey(prev, r)] = struct{}{}
			}
			prev = r
		}
	}
	for k := range set {
		b = appendGram(b, col, k)
		b = append(b, ' ')
	}
	return b
}

// gramKey packs a pair (a ≥ 0) or a lone character (a < 0) in one word.
func gramKey(a, r rune) uint64 { return uint64(a+1)<<32 | uint64(r) }

// appendGram names a character and a pair in column col as one ASCII
// word, which FTS5's unicode61 tokenizer keeps whole: the column's digit,
// then u + the code point in hex, or b + the first, x, the second.
func appendGram(b []byte, col int, k uint64) []byte {
	b = strconv.AppendInt(b, int64(col), 10)
	a, r := int64(k>>32)-1, int64(k&0xffffffff)
	if a < 0 {
		return strconv.AppendInt(append(b, 'u'), r, 16)
	}
	b = strconv.AppendInt(append(b, 'b'), a, 16)
	return strconv.AppendInt(append(b, 'x'), r, 16)
}

// gramToken is the token of a one- or two-character folded term in column
// col.
func gramToken(col int, term []rune) string {
	k := gramKey(-1, term[0])
	if len(term) == 2 {
		k = gramKey(term[0], term[1])
	}
	return string(appendGram(nil, col, k))
}
