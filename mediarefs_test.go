package sppcrawl_test

import (
	"testing"

	"sppcrawl"
)

// The files of a local site's article are its own; another host's are not,
// and spp's articles keep theirs as ever.
func TestArticle_MediaRefs_Site(t *testing.T) {
	a := &sppcrawl.Article{Site: "www.gd.jcy.gov.cn",
		Images:      []sppcrawl.Image{{URL: "https://www.gd.jcy.gov.cn/tzgg/202606/W1.jpg"}, {URL: "https://www.example.com/x.jpg"}},
		Attachments: []sppcrawl.Attachment{{URL: "https://www.gd.jcy.gov.cn/f/a.pdf"}, {URL: "http://www.gd.jcy.gov.cn/f/b.pdf"}}}
	refs := a.MediaRefs()
	if len(refs) != 2 || refs[0].URL != a.Images[0].URL || refs[1].URL != a.Attachments[0].URL {
		t.Errorf("refs %+v", refs)
	}
	s := &sppcrawl.Article{Images: []sppcrawl.Image{{URL: "https://www.spp.gov.cn/a.jpg"}, {URL: "https://www.gd.jcy.gov.cn/b.jpg"}}}
	if refs := s.MediaRefs(); len(refs) != 1 || refs[0].URL != "https://www.spp.gov.cn/a.jpg" {
		t.Errorf("spp refs %+v", refs)
	}
}
