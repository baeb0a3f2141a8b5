package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText applies the paragraph rules of the export contract: NFC,
// invalid UTF-8 replaced by U+FFFD, zero-width and control characters
// removed (they are never text in an official page, and on a terminal or in
// XML they are harmful), every run of white space (including U+00A0,
// U+2002–U+200A and U+3000) collapsed to one ASCII space, ends trimmed.
func NormalizeText(s string) string {
	if s == "" {
		return s
	}
	if clean, nfcSafe := isClean(s); clean {
		if nfcSafe {
			return s
		}
		return norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending, written only before the next visible rune
	nfcSafe := true
	for _, r := range s {
		switch {
		case isSpace(r):
			space = b.Len() > 0
			continue
		case isZeroWidth(r), isControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if nfcSafe && !isNFCSafe(r) {
			nfcSafe = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if !nfcSafe && !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isClean reports whether s needs no rewriting (no zero-width runes, no space
// other than single interior ASCII spaces), and whether it is trivially NFC.
// It works on bytes: the 3-byte CJK ideographs that make up most of the site's
// text are skipped without decoding.
func isClean(s string) (clean, nfcSafe bool) {
	nfcSafe = true
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if c == ' ' {
				if prevSpace {
					return false, false
				}
				prevSpace = true
			} else if c < 0x20 || c == 0x7f {
				return false, false // white space to collapse, or a control to drop
			} else {
				prevSpace = false
			}
			i++
			continue
		case c >= 0xE4 && c <= 0xE9 && i+2 < len(s): // U+4000–U+9FFF
			prevSpace = false
			i += 3
			continue
		case c == 0xE3 && i+2 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x81 && s[i+2] > 0x80 && s[i+2] <= 0xBF:
			// U+3001–U+307F: CJK punctuation and hiragana, but not U+3000 (space)
			prevSpace = false
			i += 3
			continue
		case c == 0xEF && i+2 < len(s) && s[i+1] >= 0xBC && s[i+1] <= 0xBE && s[i+2] >= 0x80 && s[i+2] <= 0xBF:
			// U+FF00–U+FFBF: fullwidth forms (，：（）)
			prevSpace = false
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isZeroWidth(r) || isSpace(r) || isControl(r) || r == utf8.RuneError && size == 1 {
			return false, false
		}
		prevSpace = false
		if nfcSafe && !isNFCSafe(r) {
			nfcSafe = false
		}
	}
	return !prevSpace, nfcSafe
}

// isControl: the C0 controls, DEL and the C1 controls (white space among
// them is tested first, by isSpace).
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f }

func isZeroWidth(r rune) bool {
	return r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\uFEFF'
}

// isNFCSafe: runes that are unchanged by NFC and never combine with a
// neighbour. It covers nearly all text of the site (ASCII, Latin-1, CJK
// ideographs and punctuation, fullwidth forms), so the costly NFC check runs
// only on the rare paragraph with anything else.
func isNFCSafe(r rune) bool {
	switch {
	case r < 0x300:
		return true
	case r >= 0x2010 && r <= 0x206F: // general punctuation
		return true
	case r >= 0x3000 && r <= 0x3098, r >= 0x309B && r <= 0x30FF: // CJK punctuation, kana
		return true
	case r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // fullwidth forms
		return true
	}
	return false
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
	}
	return unicode.IsSpace(r) || r == '\u3000'
}
