package sppcrawl_test

import (
	"testing"

	"sppcrawl"
)

// The files of an article's own host (its URL's) are its media, for a local
// site's article as for spp's; another host's are not.
func TestArticle_MediaRefs_Site(t *testing.T) {
	a := &sppcrawl.Article{Site: "www.gd.jcy.gov.cn", URL: "https://www.gd.jcy.gov.cn/tzgg/202606/t20260612_7770799.shtml",
		Images:      []sppcrawl.Image{{URL: "https://www.gd.jcy.gov.cn/tzgg/202606/W1.jpg"}, {URL: "https://www.example.com/x.jpg"}},
		Attachments: []sppcrawl.Attachment{{URL: "https://www.gd.jcy.gov.cn/f/a.pdf"}, {URL: "http://www.gd.jcy.gov.cn/f/b.pdf"}}}
	refs := a.MediaRefs()
	if len(refs) != 2 || refs[0].URL != a.Images[0].URL || refs[1].URL != a.Attachments[0].URL {
		t.Errorf("refs %+v", refs)
	}
	s := &sppcrawl.Article{URL: "https://www.spp.gov.cn/spp/tt/202606/t20260612_1.shtml", Images: []sppcrawl.Image{{URL: "https://www.spp.gov.cn/a.jpg"}, {URL: "https://www.gd.jcy.gov.cn/b.jpg"}}}
	if refs := s.MediaRefs(); len(refs) != 1 || refs[0].URL != "https://www.spp.gov.cn/a.jpg" {
		t.Errorf("spp refs %+v", refs)
	}
}
