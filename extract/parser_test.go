package extract_test

import (
	"os"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/extract"
)

// A page of the spp.gov.cn templates on another host reads by that host's
// layout: its URL, id and channel are the host's, and the links of a list
// page on the host are its items (spp's parser refuses the host).
func TestParser_OtherHost(t *testing.T) {
	gd := extract.Parser{URLs: sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-")}
	body, err := os.ReadFile("../testdata/pages/detail-current.html")
	if err != nil {
		t.Fatal(err)
	}
	const u = "https://www.gd.jcy.gov.cn/spp/xwfbh/wsfbt/202608/t20260805_733901.shtml"
	a, err := gd.ParseArticle(body, u, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != u || a.ID != "gd.jcy-733901" || !strings.HasPrefix(a.ChannelPath, "/spp/") {
		t.Errorf("ParseArticle = url %q id %q channel %q; want %q, gd.jcy-733901, a folder of the page", a.URL, a.ID, a.ChannelPath, u)
	}
	if _, err := sppSite.ParseArticle(body, u, ""); err == nil {
		t.Error("spp's ParseArticle accepted a page of another host")
	}
	list, err := os.ReadFile("../testdata/site/spp/jczdal/index.shtml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := gd.ParseList(list, "https://www.gd.jcy.gov.cn/spp/jczdal/index.shtml", "")
	if err != nil || len(l.Items) == 0 {
		t.Fatalf("ParseList = %+v, %v", l, err)
	}
	for _, it := range append([]string{l.PageURLs[len(l.PageURLs)-1]}, l.Items[0].URL) {
		if !strings.HasPrefix(it, "https://www.gd.jcy.gov.cn/spp/jczdal/") {
			t.Errorf("list URL %q is not the host's", it)
		}
	}
}
