package extract

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// DecodeHTML returns body as valid UTF-8 plus the name of the encoding used.
// The order is the browser's, as charset.DetermineEncoding reads it:
// byte-order mark, the Content-Type header, a <meta charset> or http-equiv
// in the first 1 KiB; then detection (UTF-8 if the bytes are valid UTF-8,
// else GB18030, the superset of GB2312/GBK that Chinese government sites
// use). A declared UTF-8 page that is not valid UTF-8 but reads as GB18030
// is decoded as GB18030; anything still invalid becomes U+FFFD.
//
// DetermineEncoding's own fallback for an undeclared page is windows-1252
// (or UTF-8 if its first KiB is), which on these sites is never right, and
// it cannot be told from a page declaring windows-1252 or Latin-1: both go
// to detection here. On a Chinese site such a declaration is a mistake far
// more often than Western text.
func DecodeHTML(body []byte, contentType string) ([]byte, string) {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	switch {
	case name == "utf-8" && bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")):
		return validUTF8(body[3:]), "utf-8"
	case name == "utf-8", name == "windows-1252":
		if utf8.Valid(body) {
			return body, "utf-8"
		}
		if looksGB18030(body) {
			return decodeWith(simplifiedchinese.GB18030, body), "gb18030"
		}
		return validUTF8(body), "utf-8"
	case name == "gbk", name == "gb18030":
		// GB18030 reads every GB2312 and GBK page, and what the site
		// labels GB2312 often holds characters only GBK or GB18030 have.
		return decodeWith(simplifiedchinese.GB18030, body), "gb18030"
	}
	return decodeWith(enc, body), name
}

func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

// decodeWith decodes b with enc; a byte-order mark, whatever enc is, says
// the encoding instead and is dropped.
func decodeWith(enc encoding.Encoding, b []byte) []byte {
	out, _, err := transform.Bytes(unicode.BOMOverride(enc.NewDecoder()), b)
	if err != nil {
		return validUTF8(b)
	}
	return validUTF8(out)
}

// looksGB18030 says whether invalid UTF-8 decodes as GB18030 into mostly CJK
// text rather than replacement characters.
func looksGB18030(b []byte) bool {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return false
	}
	var cjk, bad int
	for _, r := range string(out) {
		switch {
		case r == utf8.RuneError:
			bad++
		case r >= 0x3000 && r <= 0x9FFF, r >= 0xFF00 && r <= 0xFFEF:
			cjk++
		}
	}
	return cjk > 0 && bad*20 < cjk
}
