package search

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	b := make([]byte, 0, len(s))
	r, size := utf8.DecodeRuneInString(s)
	for i := 0; i < len(s); {
		j := i + size
		next, nsize := utf8.DecodeRuneInString(s[j:])
		if starter, changes := runeProps(r); starter && (j == len(s) || isStarter(next)) {
			switch {
			case changes:
				f, _ := starterFold.Load(r)
				b = append(b, f.(string)...)
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
		seg := s[i:j]
		if !utf8.ValidString(seg) {
			// x/text leaves what follows a byte that is no UTF-8
			// unnormalised; such a byte is U+FFFD here, as in fold.
			seg = string([]rune(seg))
		}
		b = appendLower(b, norm.NFKC.String(seg))
		i, r, size = j, next, nsize
	}
	return string(b)
}

// What foldString knows of the characters of the Basic Multilingual Plane,
// learnt on first sight (a table of them all took 20 ms to make, at every
// start of the program): starters begin a normalisation segment; changed
// are the starters that fold to other text alone (full-width forms,
// capitals), that text in starterFold. A character's known bit is set last,
// so a reader that sees it sees the others.
var (
	known, starters, changed [0x10000 / 64]atomic.Uint64
	starterFold              sync.Map // rune → string
)

// runeProps says whether r is a starter and whether it folds to other text.
func runeProps(r rune) (starter, changes bool) {
	if r >= 0x10000 {
		return false, false
	}
	w, bit := r/64, uint64(1)<<(r%64)
	if known[w].Load()&bit == 0 {
		learn(r)
	}
	return starters[w].Load()&bit != 0, changed[w].Load()&bit != 0
}

func learn(r rune) {
	w, bit := r/64, uint64(1)<<(r%64)
	s := string(r)
	if startsSegment(s) {
		if f := strings.ToLower(norm.NFKC.String(s)); f != s {
			starterFold.Store(r, f)
			changed[w].Or(bit)
		}
		starters[w].Or(bit)
	}
	known[w].Or(bit)
}

// startsSegment says whether the character s combines with nothing before
// it, under NFKC. x/text's BoundaryBefore says so of a character, not of
// what it decomposes to: a half-width or compatibility Hangul letter
// (ﾫ, ㅏ) decomposes to a jamo that composes with the syllable before it.
func startsSegment(s string) bool {
	p := norm.NFKC.PropertiesString(s)
	if !p.BoundaryBefore() {
		return false
	}
	if d := p.Decomposition(); len(d) > 0 {
		first, _ := utf8.DecodeRune(d)
		return norm.NFKC.PropertiesString(string(first)).BoundaryBefore()
	}
	return true
}

func isStarter(r rune) bool {
	starter, _ := runeProps(r)
	return starter
}

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
	set := gramSets.Get().(*gramSet)
	defer gramSets.Put(set)
	set.reset()
	for _, p := range segments {
		prev := rune(-1)
		for _, r := range p {
			set.add(gramKey(-1, r))
			if prev >= 0 {
				set.add(gramKey(prev, r))
			}
			prev = r
		}
	}
	for _, k := range set.list {
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
	a, r := int64(k>>32)-1, uint32(k)
	if a < 0 {
		return appendHex(append(b, 'u'), r)
	}
	b = appendHex(append(b, 'b'), uint32(a))
	return appendHex(append(b, 'x'), r)
}

// appendHex appends v in lower-case hex without leading zeros, as
// strconv.AppendInt(b, v, 16) does, at a fraction of its cost (it was
// most of the Go side of indexing).
func appendHex(b []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	n := 1
	for x := v >> 4; x != 0; x >>= 4 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		b = append(b, digits[v>>(4*uint(i))&0xf])
	}
	return b
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
