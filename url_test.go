package sppcrawl_test

import (
	"errors"
	"testing"
	"time"

	"sppcrawl"
)

func TestCanonicalURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml"},
		{"http://spp.gov.cn/spp/tt/202401/t20240105_639495.shtml?x=1#top", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml"},
		{"www.spp.gov.cn/spp/jczdal/", "https://www.spp.gov.cn/spp/jczdal/"},
		{"/spp/a/../b/./index.shtml", "https://www.spp.gov.cn/spp/b/index.shtml"},
		{"  HTTPS://WWW.SPP.GOV.CN/spp/  ", "https://www.spp.gov.cn/spp/"},
	} {
		got, err := sppcrawl.CanonicalURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"https://evil.example.com/spp/", "javascript:alert(1)", "ftp://www.spp.gov.cn/x"} {
		if _, err := sppcrawl.CanonicalURL(bad); !errors.Is(err, sppcrawl.ErrOffSite) {
			t.Errorf("CanonicalURL(%q): %v, want ErrOffSite", bad, err)
		}
	}
}

func TestURLParts(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202312/t20231229_638674.shtml"
	if !sppcrawl.IsDetailURL(u) || sppcrawl.IsDetailURL("https://www.spp.gov.cn/spp/tt/index_2.shtml") {
		t.Error("IsDetailURL")
	}
	if got := sppcrawl.IDFromURL(u); got != "spp-638674" {
		t.Errorf("IDFromURL = %q", got)
	}
	if got := sppcrawl.ChannelPathFromURL(u); got != "/spp/xwfbh/wsfbt/" {
		t.Errorf("ChannelPathFromURL = %q", got)
	}
	if d, ok := sppcrawl.DateFromURL(u); !ok || d.Format("2006-01-02") != "2023-12-29" {
		t.Errorf("DateFromURL = %v %v", d, ok)
	}
	if got := sppcrawl.ListPageURL("/spp/jczdal/", 3); got != "https://www.spp.gov.cn/spp/jczdal/index_3.shtml" {
		t.Errorf("ListPageURL = %q", got)
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

func TestSelectChannels(t *testing.T) {
	got, err := sppcrawl.SelectChannels("jczdal, 头条,/spp/zdgz")
	if err != nil || len(got) != 3 || got[0].Key != "jczdal" || got[1].Key != "tt" || got[2].Path != "/spp/zdgz/" || got[2].Key != "zdgz" {
		t.Errorf("SelectChannels = %+v, %v", got, err)
	}
	for _, bad := range []string{"nope", "../../etc", "https://evil.example.com/x/"} {
		if _, err := sppcrawl.SelectChannels(bad); err == nil {
			t.Errorf("SelectChannels(%q) accepted", bad)
		}
	}
}
