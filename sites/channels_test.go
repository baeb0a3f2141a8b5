package sites_test

import (
	"reflect"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"
)

// For spp, SelectChannels reads keys, names and folders of the table and
// of the known channels as it always did, errors included.
func TestSelectChannels_AsSPP(t *testing.T) {
	known := []sppcrawl.Channel{{Key: "zdgz", Name: "重点工作", Path: "/spp/zdgz/"}}
	all := make([]string, 0, 12)
	for _, c := range sites.Default().Channels() {
		all = append(all, c.Path)
	}
	for _, tc := range []struct {
		in   string
		want []string // paths; nil with err
		err  bool
	}{
		{"", all, false},
		{"tt", []string{"/spp/tt/"}, false},
		{"tt,jczdal,tt", []string{"/spp/tt/", "/spp/jczdal/"}, false},
		{"指导性案例", []string{"/spp/jczdal/"}, false},
		{"/spp/zdgz/", []string{"/spp/zdgz/"}, false},
		{"/spp/zdgz", []string{"/spp/zdgz/"}, false},
		{"https://www.spp.gov.cn/spp/zdgz/index.shtml", []string{"/spp/zdgz/"}, false},
		{"zdgz", []string{"/spp/zdgz/"}, false},
		{"重点工作", []string{"/spp/zdgz/"}, false},
		{" , tt ,", []string{"/spp/tt/"}, false},
		{"nosuch", nil, true},
		{"/spp/../x/", nil, true},
		{"https://evil.example/spp/tt/", nil, true},
		{"/", nil, true},
	} {
		got, err := sites.SelectChannels(sites.Default(), tc.in, known...)
		var paths []string
		for _, c := range got {
			paths = append(paths, c.Path)
		}
		if !reflect.DeepEqual(paths, tc.want) || (err != nil) != tc.err {
			t.Errorf("%q: %v, %v; want %v, error %v", tc.in, paths, err, tc.want, tc.err)
		}
	}
	if got, _ := sites.SelectChannels(sites.Default(), "/spp/zdgz/"); got[0].Key != "zdgz" || got[0].Name != "" {
		t.Errorf("a folder outside the table = %+v, want key zdgz, no name", got[0])
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
