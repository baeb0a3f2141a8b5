package extract

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// DecodeHTML returns body as valid UTF-8 plus the name of the encoding used.
// The order is the browser's: byte-order mark, the Content-Type header, a
// <meta charset> or http-equiv in the first 1 KiB, then detection (UTF-8 if the
// bytes are valid UTF-8, else GB18030, the superset of GB2312/GBK that Chinese
// government sites use). A declared UTF-8 page that is not valid UTF-8 but
// reads as GB18030 is decoded as GB18030; anything still invalid becomes U+FFFD.
func DecodeHTML(body []byte, contentType string) ([]byte, string) {
	switch {
	case bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")):
		return validUTF8(body[3:]), "utf-8"
	case bytes.HasPrefix(body, []byte("\xFF\xFE")):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), body), "utf-16le"
	case bytes.HasPrefix(body, []byte("\xFE\xFF")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), body), "utf-16be"
	}
	label := ""
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			label = params["charset"]
		}
	}
	if label == "" {
		head := body
		if len(head) > 1024 { // the HTML standard's prescan length
			head = head[:1024]
		}
		label = metaCharset(head)
	}
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "", "utf-8", "utf8":
		if utf8.Valid(body) {
			return body, "utf-8"
		}
		if looksGB18030(body) {
			return decodeWith(simplifiedchinese.GB18030, body), "gb18030"
		}
		return validUTF8(body), "utf-8"
	case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "csgb2312", "chinese":
		return decodeWith(simplifiedchinese.GB18030, body), "gb18030"
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		// An unknown label is treated as undeclared.
		if utf8.Valid(body) {
			return body, "utf-8"
		}
		return decodeWith(simplifiedchinese.GB18030, body), "gb18030"
	}
	name, _ := htmlindex.Name(enc)
	return decodeWith(enc, body), name
}

func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

func decodeWith(enc encoding.Encoding, b []byte) []byte {
	out, err := enc.NewDecoder().Bytes(b)
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

// metaCharset finds charset=… inside a <meta> tag of head; a hand scan, since
// a case-insensitive regexp over every page costs more than the rest of the
// decoding.
func metaCharset(head []byte) string {
	lower := bytes.ToLower(head)
	for off := 0; ; {
		i := bytes.Index(lower[off:], []byte("charset"))
		if i < 0 {
			return ""
		}
		i += off
		off = i + len("charset")
		tagStart := bytes.LastIndexByte(lower[:i], '<')
		if tagStart < 0 || !bytes.HasPrefix(lower[tagStart:], []byte("<meta")) || bytes.IndexByte(lower[tagStart:i], '>') >= 0 {
			continue
		}
		rest := bytes.TrimLeft(lower[off:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '=' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n\"'")
		end := 0
		for end < len(rest) && (rest[end] == '-' || rest[end] == '_' || rest[end] == '.' || rest[end] == ':' ||
			rest[end] >= 'a' && rest[end] <= 'z' || rest[end] >= '0' && rest[end] <= '9') {
			end++
		}
		if end > 0 {
			return string(rest[:end])
		}
	}
}
