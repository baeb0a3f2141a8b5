package sites_test

import (
	"reflect"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"
)

// For spp, SelectChannels of the site is the root's (which names spp's
// table) for every input, errors included.
func TestSelectChannels_AsSPP(t *testing.T) {
	known := []sppcrawl.Channel{{Key: "zdgz", Name: "重点工作", Path: "/spp/zdgz/"}}
	for _, in := range []string{"", "tt", "tt,jczdal,tt", "指导性案例", "/spp/zdgz/", "/spp/zdgz", "https://www.spp.gov.cn/spp/zdgz/index.shtml",
		"zdgz", "重点工作", "nosuch", "/spp/../x/", "https://evil.example/spp/tt/", "/", " , tt ,"} {
		got, gerr := sites.SelectChannels(sites.Default(), in, known...)
		want, werr := sppcrawl.SelectChannels(in, known...)
		if !reflect.DeepEqual(got, want) || (gerr == nil) != (werr == nil) {
			t.Errorf("%q: %v, %v; the root's %v, %v", in, got, gerr, want, werr)
		}
	}
}

// A local site's channels are its folders, and those discovered on it.
func TestSelectChannels_Local(t *testing.T) {
	s, err := sites.Lookup("www.gd.jcy.gov.cn")
	if err != nil {
		t.Fatal(err)
	}
	known := []sppcrawl.Channel{{Key: "xwzx", Name: "新闻中心", Path: "/xwzx/"}}
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"新闻中心", []string{"/xwzx/"}, false},
		{"/jcyw/", []string{"/jcyw/"}, false},
		{"https://www.gd.jcy.gov.cn/jcyw/index.html", []string{"/jcyw/"}, false},
		{"https://www.spp.gov.cn/spp/tt/", nil, true},
		{"tt", nil, true},
	} {
		chs, err := sites.SelectChannels(s, tc.in, known...)
		var got []string
		for _, c := range chs {
			got = append(got, c.Path)
		}
		if !reflect.DeepEqual(got, tc.want) || (err != nil) != tc.err {
			t.Errorf("%q: %v, %v; want %v (error: %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
	if !sites.InTable(sites.Default(), "/spp/tt/") || sites.InTable(sites.Default(), "/spp/zdgz/") || sites.InTable(s, "/xwzx/") {
		t.Error("InTable: the table of each site")
	}
	if sites.Of("www.gd.jcy.gov.cn").Key() != "gd.jcy" || sites.Of("").Key() != "spp" || sites.OfURL("https://www.spp.gov.cn/spp/tt/").Key() != "spp" || sites.Of("bad host!").Key() != "spp" {
		t.Error("Of: a host's site, else the default")
	}
}

// A channel's name comes from the table of the site whose folder it is,
// whichever site that is; a folder no table has is named by its key.
func TestChannelByPath(t *testing.T) {
	for _, tc := range []struct{ path, key, name string }{
		{"/spp/jczdal/", "jczdal", "指导性案例"},
		{"/12309/gj/zjxflws/qss/", "qss", "起诉书"},
		{"/12309/gj/zdajxx/", "zdajxx", "重要案件信息"},
		{"/xwzx/", "xwzx", ""},
	} {
		if c := sites.ChannelByPath(tc.path); c.Key != tc.key || c.Name != tc.name {
			t.Errorf("ChannelByPath(%q) = %q %q, want %q %q", tc.path, c.Key, c.Name, tc.key, tc.name)
		}
	}
}
