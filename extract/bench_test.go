package extract_test

import (
	"bytes"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

const realDetail = "spp-jczdal-detail-t20260805_733868.html"

// BenchmarkParseArticle is the whole extraction of the real detail page; compare
// it with BenchmarkParseOnly, the bare goquery parse of the same bytes.
func BenchmarkParseArticle(b *testing.B) {
	page := readReal(b, realDetail)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sppSite.ParseArticle(page, "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

func BenchmarkParseOnly(b *testing.B) {
	page := readReal(b, realDetail)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := goquery.NewDocumentFromReader(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

func BenchmarkParseList(b *testing.B) {
	page := readReal(b, "spp-jczdal-list-index.html")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sppSite.ParseList(page, "https://www.spp.gov.cn/spp/jczdal/index.shtml", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
