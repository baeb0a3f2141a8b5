package sites_test

import (
	"testing"

	"sppcrawl/sites"
)

func TestLookup_Local(t *testing.T) {
	for key, want := range map[string]string{
		"gd.jcy": "www.gd.jcy.gov.cn", "WWW.HBJC.GOV.CN": "www.hbjc.gov.cn",
		"www.quanzhou.jcy.gov.cn": "www.quanzhou.jcy.gov.cn", "zjjkq.jsjc.gov.cn": "zjjkq.jsjc.gov.cn",
	} {
		s, err := sites.Lookup(key)
		if err != nil || s.Host() != want || sites.Kind(s) != sites.KindLocal {
			t.Errorf("Lookup(%q) = %v, %v; want the local site %s", key, s, err, want)
		}
	}
	if _, err := sites.Lookup("bad_host.gov.cn"); err == nil {
		t.Error("Lookup(bad_host.gov.cn): no error")
	}
}

func TestAll_Kinds(t *testing.T) {
	all := sites.All()
	if sites.Kind(all[0]) != sites.KindSPP {
		t.Errorf("first site %s is not spp", all[0].Key())
	}
	if all[1].Key() != "12309" || all[1].Host() != "www.12309.gov.cn" || sites.Kind(all[1]) != sites.KindCases {
		t.Errorf("second site %s (%s, %s) is not 12309", all[1].Key(), all[1].Host(), sites.Kind(all[1]))
	}
	keys := map[string]bool{}
	for _, s := range all[2:] {
		if sites.Kind(s) != sites.KindLocal || keys[s.Key()] {
			t.Errorf("site %s: kind %s, key seen %v", s.Key(), sites.Kind(s), keys[s.Key()])
		}
		keys[s.Key()] = true
	}
	if !keys["gd.jcy"] || !keys["hbjc"] {
		t.Errorf("built-in local sites %v lack gd.jcy or hbjc", keys)
	}
}
