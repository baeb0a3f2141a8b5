package sppcrawl_test

import (
	"testing"

	"sppcrawl"
)

func TestArticle_SiteHost(t *testing.T) {
	for _, tc := range []struct {
		name, site, url, want string
	}{
		{"spp without site", "", "https://www.spp.gov.cn/spp/tt/202601/t20260101_1.shtml", "www.spp.gov.cn"},
		{"local site", "www.gd.jcy.gov.cn", "https://www.gd.jcy.gov.cn/xwzx/202601/t20260101_1.shtml", "www.gd.jcy.gov.cn"},
		{"site in capitals", "WWW.HBJC.GOV.CN", "https://www.hbjc.gov.cn/a/t20260101_1.shtml", "www.hbjc.gov.cn"},
		{"no url", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &sppcrawl.Article{Site: tc.site, URL: tc.url}
			if got := a.SiteHost(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSiteKey(t *testing.T) {
	for host, want := range map[string]string{
		"www.spp.gov.cn": "spp", "www.12309.gov.cn": "12309", "www.gd.jcy.gov.cn": "gd.jcy", "hbjc.gov.cn": "hbjc", "example.org": "example.org",
	} {
		if got := sppcrawl.SiteKey(host); got != want {
			t.Errorf("SiteKey(%q) = %q, want %q", host, got, want)
		}
	}
}
