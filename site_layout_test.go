package sppcrawl_test

import (
	"errors"
	"strings"
	"testing"

	"sppcrawl"
)

// A layout of another TRS host canonicalises its own URLs, names its ids
// by its own prefix and refuses spp.gov.cn's.
func TestLayout_OtherHost(t *testing.T) {
	l := sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-", "gd.jcy.gov.cn")
	const art = "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml"
	for _, c := range []struct{ in, want string }{
		{"http://gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml#x", art},
		{"www.gd.jcy.gov.cn/jwgk/tzgg/", "https://www.gd.jcy.gov.cn/jwgk/tzgg/"},
		{"gd.jcy.gov.cn/jwgk/", "https://www.gd.jcy.gov.cn/jwgk/"},
	} {
		if got, err := l.CanonicalURL(c.in); err != nil || got != c.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	_, err := l.CanonicalURL("https://www.spp.gov.cn/spp/tt/")
	if want := "https://www.spp.gov.cn/spp/tt/: not a www.gd.jcy.gov.cn URL (host www.spp.gov.cn)"; !errors.Is(err, sppcrawl.ErrOffSite) || err.Error() != want {
		t.Errorf("CanonicalURL(spp's URL): %v, want ErrOffSite: %s", err, want)
	}
	for _, c := range []struct {
		name, got, want string
	}{
		{"ArticleID", l.ArticleID(art), "gd.jcy-7770799"},
		{"ChannelPath", l.ChannelPath(art), "/jwgk/tzgg/"},
		{"Origin", l.Origin(), "https://www.gd.jcy.gov.cn"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if got := l.WithListings("/jwgk/tt/").HomeRank("https://www.gd.jcy.gov.cn/jwgk/tt/202606/t20260612_7770799.shtml", "/jwgk/tt/"); got != 1 {
		t.Errorf("HomeRank in a listing = %d, want 1", got)
	}
	if got := l.HomeRank("https://www.gd.jcy.gov.cn/jwgk/tt/202606/t20260612_7770799.shtml", "/jwgk/tt/"); got != 2 {
		t.Errorf("HomeRank without listings = %d, want 2", got)
	}
	if !l.IsArticleURL(art) || l.IsArticleURL("https://www.gd.jcy.gov.cn/jwgk/tzgg/index_1.shtml") {
		t.Error("IsArticleURL")
	}
}

// A site map lists the table of the site it is read for first, then the
// navigation's other channels.
func TestSiteMap_AllOf(t *testing.T) {
	table := []sppcrawl.Channel{{Key: "tzgg", Name: "通知公告", Path: "/jwgk/tzgg/"}}
	m := sppcrawl.SiteMap{Channels: []sppcrawl.Channel{
		{Name: "通知公告", Path: "/jwgk/tzgg/"}, {Name: "检察动态", Path: "/jcdt/"},
	}}
	got := m.AllOf(table)
	if len(got) != 2 || got[0] != table[0] || got[1].Path != "/jcdt/" || got[1].Key != "jcdt" {
		t.Errorf("AllOf = %+v, want the table's tzgg, then jcdt", got)
	}
}

// The files of an article's own host are its media, whatever the host.
func TestArticle_MediaRefsOfItsHost(t *testing.T) {
	a := &sppcrawl.Article{URL: "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml",
		Images:      []sppcrawl.Image{{URL: "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/W1.jpg"}, {URL: "https://www.spp.gov.cn/x.jpg"}},
		Attachments: []sppcrawl.Attachment{{URL: "http://www.gd.jcy.gov.cn/a.pdf"}, {URL: "https://WWW.GD.JCY.GOV.CN/b.pdf"}}}
	var got []string
	for _, r := range a.MediaRefs() {
		got = append(got, r.URL)
	}
	if len(got) != 2 || got[0] != a.Images[0].URL || got[1] != a.Attachments[1].URL {
		t.Errorf("MediaRefs = %v, want the host's https image and attachment", got)
	}
}

// A canonical URL is one of the layout's host and canonical again as it
// is; nothing typed makes CanonicalURL panic.
func FuzzLayout_CanonicalURL(f *testing.F) {
	for _, s := range []string{"https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml", "gd.jcy.gov.cn/a/../b/",
		"/x/./y/index.shtml?q=1#f", "javascript:alert(1)", "http://evil.example/", "%zz", " HTTPS://GD.JCY.GOV.CN "} {
		f.Add(s)
	}
	l := sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-", "gd.jcy.gov.cn")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := l.CanonicalURL(raw)
		if err != nil {
			return
		}
		if !strings.HasPrefix(u, l.Origin()+"/") {
			t.Fatalf("CanonicalURL(%q) = %q, not of %s", raw, u, l.Origin())
		}
		if again, err := l.CanonicalURL(u); err != nil || again != u {
			t.Fatalf("CanonicalURL(%q) = %q, then %q, %v", raw, u, again, err)
		}
	})
}
