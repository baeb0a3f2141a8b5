package sppcrawl_test

import (
	"testing"

	"sppcrawl"
)

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
		if got := sppcrawl.BetterHome(c.a, c.pathA, c.b, c.pathB); got != c.bWins {
			t.Errorf("%s: BetterHome(a, b) = %v, want %v", c.name, got, c.bWins)
		}
		if got := sppcrawl.BetterHome(c.b, c.pathB, c.a, c.pathA); got != c.aWins {
			t.Errorf("%s: BetterHome(b, a) = %v, want %v", c.name, got, c.aWins)
		}
	}
}
