package sites_test

import (
	"errors"
	"sppcrawl"
	"testing"

	"sppcrawl/sites"
)

func TestLookup(t *testing.T) {
	for _, key := range []string{"12309", "www.12309.gov.cn", "12309.gov.cn"} {
		s, err := sites.Lookup(key)
		if err != nil || s.Key() != "12309" || sites.Kind(s) != sites.KindCases {
			t.Errorf("Lookup(%q) = %v, %v; want 12309", key, s, err)
		}
	}
	for _, key := range []string{"spp", "SPP", " www.spp.gov.cn "} {
		s, err := sites.Lookup(key)
		if err != nil || s.Key() != "spp" {
			t.Errorf("Lookup(%q) = %v, %v; want spp", key, s, err)
		}
	}
	if _, err := sites.Lookup("www.example.com"); !errors.Is(err, sites.ErrUnknown) {
		t.Errorf("Lookup(unknown) = %v, want ErrUnknown", err)
	}
	if all := sites.All(); len(all) == 0 || all[0].Key() != sites.Default().Key() || sites.Default().Key() != "spp" {
		t.Errorf("All()[0] and Default() are not spp: %v, %v", all, sites.Default())
	}
}

// Linking the registry registers its default as the site of an archive
// that names none (what store and postgres read earlier releases' by).
func TestDefault_Registered(t *testing.T) {
	s, ok := sppcrawl.DefaultSite()
	if !ok || s.Key() != sites.Default().Key() || s.Host() != "www.spp.gov.cn" {
		t.Errorf("sppcrawl.DefaultSite() = %v, %v; want the registry's default, www.spp.gov.cn", s, ok)
	}
}
