package spp_test

import (
	"errors"
	"testing"

	"sppcrawl"
	"sppcrawl/site/spp"
)

func TestCanonicalURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml"},
		{"http://spp.gov.cn/spp/tt/202401/t20240105_639495.shtml?x=1#top", "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml"},
		{"www.spp.gov.cn/spp/jczdal/", "https://www.spp.gov.cn/spp/jczdal/"},
		{"/spp/a/../b/./index.shtml", "https://www.spp.gov.cn/spp/b/index.shtml"},
		{"  HTTPS://WWW.SPP.GOV.CN/spp/  ", "https://www.spp.gov.cn/spp/"},
	} {
		got, err := spp.Layout.CanonicalURL(c.in)
		if err != nil || got != c.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"https://evil.example.com/spp/", "javascript:alert(1)", "ftp://www.spp.gov.cn/x"} {
		if _, err := spp.Layout.CanonicalURL(bad); !errors.Is(err, sppcrawl.ErrOffSite) {
			t.Errorf("CanonicalURL(%q): %v, want ErrOffSite", bad, err)
		}
	}
	_, err := spp.Layout.CanonicalURL("https://evil.example.com/spp/")
	if want := "https://evil.example.com/spp/: not a www.spp.gov.cn URL (host evil.example.com)"; err == nil || err.Error() != want {
		t.Errorf("CanonicalURL(another host): %v, want %s", err, want)
	}
}

func TestURLParts(t *testing.T) {
	const u = "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202312/t20231229_638674.shtml"
	if !spp.Layout.IsArticleURL(u) || spp.Layout.IsArticleURL("https://www.spp.gov.cn/spp/tt/index_2.shtml") {
		t.Error("IsDetailURL")
	}
	if got := spp.Layout.ArticleID(u); got != "spp-638674" {
		t.Errorf("IDFromURL = %q", got)
	}
	if got := spp.Layout.ChannelPath(u); got != "/spp/xwfbh/wsfbt/" {
		t.Errorf("ChannelPathFromURL = %q", got)
	}
	if d, ok := sppcrawl.DateFromURL(u); !ok || d.Format("2006-01-02") != "2023-12-29" {
		t.Errorf("DateFromURL = %v %v", d, ok)
	}
	if got := (spp.Site{}).ListPageURL("/spp/jczdal/", 3); got != "https://www.spp.gov.cn/spp/jczdal/index_3.shtml" {
		t.Errorf("ListPageURL = %q", got)
	}
}

func TestBetterHome(t *testing.T) {
	const (
		tt     = "https://www.spp.gov.cn/spp/tt/202611/t20261117_810001.shtml"
		gjybs  = "https://www.spp.gov.cn/spp/gjybs/202611/t20261117_810001.shtml"
		jczdal = "https://www.spp.gov.cn/spp/jczdal/202611/t20261117_810001.shtml"
	)
	for _, c := range []struct {
		name         string
		a, pathA     string
		b, pathB     string
		bWins, aWins bool
	}{
		{"own channel over 头条, each crumb its own", tt, "/spp/tt/", gjybs, "/spp/gjybs/", true, false},
		{"own channel over a page whose crumb names it", tt, "/spp/gjybs/", gjybs, "/spp/gjybs/", true, false},
		{"头条 naming itself over a page naming another", tt, "/spp/tt/", gjybs, "/spp/jczdal/", false, true},
		{"two own channels: the smaller URL", jczdal, "/spp/jczdal/", gjybs, "/spp/gjybs/", true, false},
		{"the same URL is no better", gjybs, "/spp/gjybs/", gjybs, "/spp/gjybs/", false, false},
	} {
		if got := sppcrawl.BetterHomeIn(spp.Layout, c.a, c.pathA, c.b, c.pathB); got != c.bWins {
			t.Errorf("%s: BetterHome(a, b) = %v, want %v", c.name, got, c.bWins)
		}
		if got := sppcrawl.BetterHomeIn(spp.Layout, c.b, c.pathB, c.a, c.pathA); got != c.aWins {
			t.Errorf("%s: BetterHome(b, a) = %v, want %v", c.name, got, c.aWins)
		}
	}
}
