package pdftext

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl/internal/pdfgen"
)

// indictmentParas is what Read must give of pdfgen.Indictment(3).
var indictmentParas = []string{
	"黑龙江省七台河市新兴区人民检察院",
	"起诉书",
	"七新检刑诉〔2024〕74号",
	"被告人芦某某，男，19**年**月**日出生，公民身份号码******************，汉族，大专文化，住黑龙江省七台河市新兴区。2024年6月5日因涉嫌危险驾驶罪被七台河市公安局新兴分局取保候审。",
	"本案由七台河市公安局新兴分局侦查终结，以被告人芦某某涉嫌危险驾驶罪，于2024年8月20日向本院移送审查起诉。",
	"经依法审查查明：第1项，被告人芦某某于2024年5月2日饮酒后驾驶小型轿车行驶至七台河市新兴区某路段时，被执勤民警查获。经鉴定，其血液中乙醇含量为 *** mg/100ml。",
	"本院认为，被告人芦某某醉酒驾驶机动车，其行为触犯了《中华人民共和国刑法》第一百三十三条之一第一款第（二）项，应当以危险驾驶罪追究其刑事责任。",
	"此致",
	"七台河市新兴区人民法院",
	"检察官：王**",
	"2024年9月10日",
}

func TestRead(t *testing.T) {
	got, err := Read(pdfgen.Indictment(3).Bytes())
	if err != nil || !slices.Equal(got, indictmentParas) {
		t.Fatalf("Read: %v\ngot  %q\nwant %q", err, got, indictmentParas)
	}
}

// hostile are files a site may answer where a PDF was expected, each
// refused in words.
func hostile() map[string]struct {
	data []byte
	want error
} {
	good := pdfgen.Indictment(3).Bytes()
	scan := pdfgen.Doc{Title: "扫描件", Pages: []pdfgen.Page{{}, {}}}.Bytes()
	encrypted := bytes.Replace(good, []byte("/Root 1 0 R/Info"),
		[]byte("/Root 1 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]/Encrypt<</Filter/Standard/V 1/R 2/Length 40/O<0000000000000000000000000000000000000000000000000000000000000000>/U<0000000000000000000000000000000000000000000000000000000000000000>/P 0>>/Info"), 1)
	huge := bytes.Replace(good, []byte("trailer\n<</Size "), []byte("trailer\n<</Size 99999999999"), 1)
	hugeXref := bytes.Replace(good, []byte("xref\n0 "), []byte("xref\n999999999 "), 1)
	return map[string]struct {
		data []byte
		want error
	}{
		"truncated":              {good[:len(good)/2], ErrUnreadable},
		"cut before the xref":    {good[:bytes.LastIndex(good, []byte("xref"))], ErrUnreadable},
		"encrypted":              {encrypted, ErrUnreadable},
		"a huge object count":    {huge, ErrUnreadable},
		"a huge xref subsection": {hugeXref, ErrUnreadable},
		"an HTML page":           {[]byte("<html><body>404</body></html>"), ErrUnreadable},
		"empty":                  {nil, ErrUnreadable},
		"a scan (no text)":       {scan, ErrNoText},
		"the old fixture stub":   {[]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"), ErrUnreadable},
		"over the size limit":    {make([]byte, MaxBytes+1), ErrUnreadable},
	}
}

func TestRead_Hostile(t *testing.T) {
	for name, tc := range hostile() {
		t.Run(name, func(t *testing.T) {
			paras, err := Read(tc.data)
			if !errors.Is(err, tc.want) || paras != nil {
				t.Fatalf("Read: %q, %v; want %v", paras, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want.Error()) {
				t.Errorf("error %q does not say %q first", err, tc.want)
			}
		})
	}
}

// FuzzRead: whatever the bytes, Read ends in time with paragraphs or an
// error of its own, never a panic.
func FuzzRead(f *testing.F) {
	f.Add(pdfgen.Indictment(2).Bytes())
	for _, tc := range hostile() {
		if len(tc.data) < 1<<20 {
			f.Add(tc.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		paras, err := Read(data)
		if err == nil && len(paras) == 0 {
			t.Fatal("no error and no paragraphs")
		}
		if err != nil && !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrNoText) {
			t.Fatalf("error of no sentinel: %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("%d bytes read in %v", len(data), d)
		}
	})
}
