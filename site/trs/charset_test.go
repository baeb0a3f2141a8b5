package trs_test

import (
	"fmt"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// A page opening with a byte-order mark is read in the encoding the mark
// names, whatever it declares or leaves undeclared: the mark is read
// before any declaration (charset.DetermineEncoding), so the platform's
// GB2312 default never applies to it and needs no check of its own.
func TestSite_ParseNav_BOM(t *testing.T) {
	const home = `<html><head>%s</head><body><div id="nav"><a href="/jcxw/">检察新闻</a></div></body></html>`
	utf16 := func(e unicode.Endianness, s string) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	undeclared := fmt.Sprintf(home, "")
	gb := fmt.Sprintf(home, `<meta charset="gb2312">`)
	for name, body := range map[string][]byte{
		"UTF-8, undeclared":                 append([]byte("\xEF\xBB\xBF"), undeclared...),
		"UTF-16LE, undeclared":              utf16(unicode.LittleEndian, undeclared),
		"UTF-16BE, undeclared":              utf16(unicode.BigEndian, undeclared),
		"UTF-8, declared GB2312":            append([]byte("\xEF\xBB\xBF"), gb...),
		"UTF-16LE, declared GB2312 (ASCII)": utf16(unicode.LittleEndian, gb),
	} {
		t.Run(name, func(t *testing.T) {
			s := mustSite(t, "www.sx.jcy.gov.cn")
			chans, err := s.ParseNav(body, "https://www.sx.jcy.gov.cn/", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(chans) != 1 || chans[0].Name != "检察新闻" {
				t.Errorf("channels %+v, want 检察新闻 alone", chans)
			}
		})
	}
}
