package sppcrawl_test

import (
	"testing"
	"time"

	"sppcrawl"
)

// The day an article URL of the TRS platform carries.
func TestDateFromURL(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202312/t20231229_638674.shtml"
	if d, ok := sppcrawl.DateFromURL(u); !ok || d.Format("2006-01-02") != "2023-12-29" {
		t.Errorf("DateFromURL = %v %v", d, ok)
	}
	if _, ok := sppcrawl.DateFromURL("https://www.spp.gov.cn/spp/tt/index_2.shtml"); ok {
		t.Error("DateFromURL of a list page")
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // RFC 3339, "" for no date
	}{
		{"2026-08-05-09:56:38", "2026-08-05T09:56:38+08:00"},
		{"2026-08-05", "2026-08-05T00:00:00+08:00"},
		{"时间：2026年8月5日 09:56", "2026-08-05T09:56:00+08:00"},
		{"2026-02-30", ""},
		{"yesterday", ""},
		{"1900-01-01", ""},
	} {
		got, ok := sppcrawl.ParseDate(c.in)
		if s := got.Format(time.RFC3339); ok != (c.want != "") || ok && s != c.want {
			t.Errorf("ParseDate(%q) = %s %v, want %q", c.in, s, ok, c.want)
		}
	}
}
