package extract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"sppcrawl"

	"sppcrawl/extract"
	"sppcrawl/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/pages/*.golden.json")

const pagesDir = "../testdata/pages"

// goldenCases maps each fixture page to the URL it is served at and what it is.
var goldenCases = []struct {
	name string
	url  string
	list bool
}{
	{"detail-current", "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml", false},
	{"detail-kicker-lines", "http://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml", false},
	{"detail-kicker-elements", "https://spp.gov.cn/spp/gjybs/202506/t20250612_702118.shtml#top", false},
	{"detail-images-attachments", "https://www.spp.gov.cn/spp/zgjdxal/202509/t20250903_710555.shtml?from=rss", false},
	{"detail-table", "https://www.spp.gov.cn/spp/qwfb/202601/t20260120_715001.shtml", false},
	{"detail-whitespace", "https://www.spp.gov.cn/spp/tzgg1/202602/t20260202_716200.shtml", false},
	// Terminal and XML poison in the title, 来源 and body: dropped everywhere.
	{"detail-control-chars", "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml", false},
	{"detail-gb2312", "https://www.spp.gov.cn/spp/sfjs/202003/t20200316_462012.shtml", false},
	{"detail-empty", "https://www.spp.gov.cn/spp/jczdal/202608/t20260806_733999.shtml", false},
	{"wsfbh-press", "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202511/t20251120_708888.shtml", false},
	// Speakers in 【】 are no case sections; cases a press conference
	// publishes are kept, without its Q&A.
	{"press-transcript", "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202511/t20251120_708887.shtml", false},
	{"press-typical-cases", "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202511/t20251120_708889.shtml", false},
	{"trs-editor", "https://www.spp.gov.cn/spp/gjybs/201603/t20160302_113344.shtml", false},
	{"custom-unionstyle", "https://www.spp.gov.cn/spp/zdgz/201802/t20180207_365216.shtml", false},
	{"generic-layout", "https://www.spp.gov.cn/spp/dfjcdt/202305/t20230518_612345.shtml", false},
	{"homepage", "https://www.spp.gov.cn/spp/jczdal/202608/t20260899_1.shtml", false},
	// Another homepage title, p-rich text and a cookie script: still no article
	// (nothing dates it but the URL) and no challenge.
	{"homepage-variant", "https://www.spp.gov.cn/spp/tt/202608/t20260805_2.shtml", false},
	{"homepage-noscript", "https://www.spp.gov.cn/spp/tt/202608/t20260805_3.shtml", false},
	{"challenge", "https://www.spp.gov.cn/spp/tt/202608/t20260805_733870.shtml", false},
	{"error-404", "https://www.spp.gov.cn/spp/tt/202608/t20260805_1.shtml", false},
	// Cases, documents and headline blocks in unfamiliar markup.
	{"typical-cases", "https://www.spp.gov.cn/spp/zgjdxal/202610/t20261012_735100.shtml", false},
	{"typical-cases-numbered", "https://www.spp.gov.cn/spp/zgjdxal/202610/t20261013_735101.shtml", false},
	{"judicial-interpretation", "https://www.spp.gov.cn/spp/sfjs/202603/t20260314_735200.shtml", false},
	{"normative-document", "https://www.spp.gov.cn/spp/gfwj/202406/t20240620_735300.shtml", false},
	{"headline-siblings", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml", false},
	{"headline-nested", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639496.shtml", false},
	// The live template's headline block at the top of the body.
	{"headline-body", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml", false},
	{"headline-body-named", "https://www.spp.gov.cn/spp/dfjcdt/202604/t20260421_726166.shtml", false},
	{"headline-body-none", "https://www.spp.gov.cn/spp/jczdal/202609/t20260910_733901.shtml", false},
	// Roles named by class in the title area, below the title (the held-out
	// seed's markup): the names win over the position there too.
	{"headline-classes-after", "https://www.spp.gov.cn/spp/gjybs/202603/t20260312_735410.shtml", false},
	{"list-first", "https://www.spp.gov.cn/spp/jczdal/index.shtml", true},
	{"list-middle", "https://www.spp.gov.cn/spp/jczdal/index_2.shtml", true},
	{"list-last", "https://www.spp.gov.cn/spp/jczdal/index_3.shtml", true},
	{"homepage", "https://www.spp.gov.cn/spp/index.shtml", true},
	// A detail page is no list, though its hidden 相关新闻 block has the list class.
	{"detail-current", "https://www.spp.gov.cn/spp/jczdal/index.shtml", true},
}

// errorResult is what a golden file holds for a page that is refused.
type errorResult struct {
	Error string `json:"error"`
	Kind  string `json:"kind"`
}

func kindOf(err error) string {
	for _, k := range []error{extract.ErrChallenge, extract.ErrEmptyBody, extract.ErrNotList, extract.ErrNotArticle,
		extract.ErrUnknownLayout, sppcrawl.ErrIncomplete, sppcrawl.ErrOffSite} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "other"
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		name := c.name
		if c.list {
			name += ".list"
		}
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(pagesDir, c.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if c.list {
				v, err = sppSite.ParseList(in, c.url, "")
			} else {
				v, err = sppSite.ParseArticle(in, c.url, "")
			}
			if err != nil {
				v = errorResult{Error: err.Error(), Kind: kindOf(err)}
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if !utf8.Valid(got) {
				t.Fatal("output is not valid UTF-8")
			}
			golden.Check(t, filepath.Join(pagesDir, name+".golden.json"), got, *update, "go test ./extract -update")
		})
	}
}
