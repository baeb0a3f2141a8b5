package extract_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"sppcrawl"

	"golang.org/x/text/encoding/simplifiedchinese"

	"sppcrawl/extract"
)

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestDecodeHTML(t *testing.T) {
	const text = "最高人民检察院“指导性案例”"
	page := "<html><head>%s<title>" + text + "</title></head><body><p>" + text + "</p></body></html>"
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantEnc     string
	}{
		{"utf8 meta", []byte(strings.Replace(page, "%s", `<meta charset="UTF-8">`, 1)), "", "utf-8"},
		{"utf8 undeclared", []byte(strings.Replace(page, "%s", "", 1)), "", "utf-8"},
		{"utf8 BOM", append([]byte("\xEF\xBB\xBF"), strings.Replace(page, "%s", "", 1)...), "", "utf-8"},
		{"gb2312 meta only", gbk(strings.Replace(page, "%s", `<meta charset="gb2312">`, 1)), "", "gb18030"},
		{"gbk http-equiv", gbk(strings.Replace(page, "%s", `<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">`, 1)), "", "gb18030"},
		{"gbk header", gbk(strings.Replace(page, "%s", "", 1)), "text/html; charset=GB2312", "gb18030"},
		{"header beats meta", gbk(strings.Replace(page, "%s", `<meta charset="utf-8">`, 1)), "text/html; charset=gbk", "gb18030"},
		{"gbk undeclared", gbk(strings.Replace(page, "%s", "", 1)), "", "gb18030"},
		{"gbk mislabelled utf-8", gbk(strings.Replace(page, "%s", `<meta charset="utf-8">`, 1)), "", "gb18030"},
		// A Latin declaration on this site is a mistake: the bytes decide.
		{"gbk mislabelled latin-1", gbk(strings.Replace(page, "%s", `<meta charset="iso-8859-1">`, 1)), "", "gb18030"},
		{"gbk header mislabelled", gbk(strings.Replace(page, "%s", "", 1)), "text/html; charset=windows-1252", "gb18030"},
		// Only charset or http-equiv declares (the HTML standard's prescan):
		// words in another meta's content are no declaration.
		{"charset in a description", []byte(strings.Replace(page, "%s", `<meta name="description" content="charset=gbk">`, 1)), "", "utf-8"},
		{"utf-16le BOM", utf16le("\uFEFF" + strings.Replace(page, "%s", "", 1)), "", "utf-16le"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc := extract.DecodeHTML(tt.body, tt.contentType)
			if enc != tt.wantEnc {
				t.Errorf("encoding %q, want %q", enc, tt.wantEnc)
			}
			if !utf8.Valid(got) || !strings.Contains(string(got), text) {
				t.Errorf("decoded text lost: %q", got)
			}
			if !strings.HasPrefix(string(got), "<html>") {
				t.Errorf("decoded page starts %q, want <html> (a BOM dropped)", got[:min(len(got), 12)])
			}
		})
	}
	// Garbage stays valid UTF-8.
	if got, _ := extract.DecodeHTML([]byte("<p>\xff\xfe\x80abc</p>"), "text/html; charset=utf-8"); !utf8.Valid(got) {
		t.Errorf("invalid UTF-8 out: %q", got)
	}
}

// Bad input gets a clear, typed error naming the input and the reason.
func TestParseArticle_BadInput(t *testing.T) {
	real := readRealOrFixture(t)
	const u = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml"
	tests := []struct {
		name    string
		body    []byte
		url     string
		wantErr error // nil: parses
	}{
		{"whole", real, u, nil},
		{"truncated mid-body", real[:len(real)*2/3], u, sppcrawl.ErrIncomplete},
		{"truncated in the head", real[:600], u, sppcrawl.ErrIncomplete},
		{"empty", nil, u, sppcrawl.ErrIncomplete},
		{"binary", []byte("%PDF-1.7\n\x00\x01\x02"), u, extract.ErrNotArticle},
		{"off-site URL", real, "https://example.com/a.shtml", sppcrawl.ErrOffSite},
		{"plain text", []byte("最高人民检察院"), u, extract.ErrNotArticle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := sppSite.ParseArticle(tt.body, tt.url, "")
			if tt.wantErr == nil {
				if err != nil || len(a.Paragraphs) == 0 {
					t.Fatalf("got %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			var pe *sppcrawl.PageError
			if !errors.As(err, &pe) || pe.URL == "" || !strings.Contains(err.Error(), tt.url) {
				t.Errorf("error %q does not name the URL", err)
			}
		})
	}
}

// readRealOrFixture is the real detail page when present, else a fixture.
func readRealOrFixture(t *testing.T) []byte {
	t.Helper()
	if b, err := readFile(realDir + "/" + realDetail); err == nil {
		return b
	}
	b, err := readFile(pagesDir + "/detail-current.html")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
