package spp_test

import (
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/site/spp"
)

// The Site answers as the URLs, ids, pager and table spp.gov.cn has always
// had: every stored id and URL stays what it was.
func TestSite_URLs(t *testing.T) {
	var s sppcrawl.Site = spp.Site{}
	const art = "https://www.spp.gov.cn/spp/xwfbh/wsfbt/202312/t20231229_638674.shtml"
	for _, c := range []struct{ name, got, want string }{
		{"Key", s.Key(), "spp"},
		{"Host", s.Host(), "www.spp.gov.cn"},
		{"Origin", s.Origin(), "https://www.spp.gov.cn"},
		{"ArticleID", s.ArticleID(art), "spp-638674"},
		{"ArticleID of a list", s.ArticleID("https://www.spp.gov.cn/spp/tt/index_2.shtml"), ""},
		{"ChannelPath", s.ChannelPath(art), "/spp/xwfbh/wsfbt/"},
		{"HomeURL", s.HomeURL(), "https://www.spp.gov.cn/spp/index.shtml"},
		{"ListPageURL 1", s.ListPageURL("/spp/jczdal/", 1), "https://www.spp.gov.cn/spp/jczdal/index.shtml"},
		{"ListPageURL 3", s.ListPageURL("/spp/jczdal/", 3), "https://www.spp.gov.cn/spp/jczdal/index_3.shtml"},
		{"ChannelByPath", s.ChannelByPath("/spp/tt/").Name, "头条"},
		{"ChannelByPath outside", s.ChannelByPath("/spp/zdgz/").Key, "zdgz"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got, err := s.CanonicalURL("http://spp.gov.cn/spp/tt/202401/t20240105_639495.shtml?x=1"); err != nil || got != "https://www.spp.gov.cn/spp/tt/202401/t20240105_639495.shtml" {
		t.Errorf("CanonicalURL = %q, %v", got, err)
	}
	if _, err := s.CanonicalURL("https://www.gd.jcy.gov.cn/jwgk/"); !errors.Is(err, sppcrawl.ErrOffSite) {
		t.Errorf("CanonicalURL(another host): %v, want ErrOffSite", err)
	}
	if !s.IsArticleURL(art) || s.IsArticleURL(s.HomeURL()) {
		t.Error("IsArticleURL")
	}
	if got := s.Channels(); len(got) != 12 || got[0].Key != "tt" || got[11].Key != "gjgb" {
		t.Errorf("Channels = %+v", got)
	}
	if got, want := s.Politeness(), (sppcrawl.Politeness{Delay: time.Second, Parallel: 2}); got != want {
		t.Errorf("Politeness = %+v, want %+v", got, want)
	}
}

// The Site's extractor is the site's parsers: a page reads the same through
// it as through extract.
func TestSite_Extractor(t *testing.T) {
	var s sppcrawl.Site = spp.Site{}
	page := mustRead(t, "../../testdata/site/spp/jczdal/index.shtml")
	const listURL = "https://www.spp.gov.cn/spp/jczdal/index.shtml"
	got, err := s.ParseList(page, listURL, "")
	want, werr := extract.Parser{URLs: spp.Layout, Table: spp.Channels}.ParseList(page, listURL, "")
	if err != nil || werr != nil || !reflect.DeepEqual(got, want) || len(got.Items) == 0 {
		t.Fatalf("ParseList = %+v, %v; want %+v, %v", got, err, want, werr)
	}
	art := got.Items[0].URL
	body := mustRead(t, "../../testdata/site"+art[len(s.Origin()):])
	a, err := s.ParseArticle(body, art, "")
	if err != nil || a.ID != s.ArticleID(art) || a.URL != art {
		t.Fatalf("ParseArticle(%s) = %+v, %v", art, a, err)
	}
	if k := s.PageKind(page, ""); k != sppcrawl.PageList {
		t.Errorf("PageKind(list page) = %q, want %q", k, sppcrawl.PageList)
	}
	home := mustRead(t, "../../testdata/site/spp/index.shtml")
	nav, err := s.ParseNav(home, s.HomeURL(), "")
	if err != nil || len(nav) == 0 {
		t.Errorf("ParseNav = %+v, %v", nav, err)
	}
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
