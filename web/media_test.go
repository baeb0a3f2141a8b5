package web_test

import (
	"context"
	"html"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/publish"
	"sppcrawl/store"
	"sppcrawl/web"
)

// An article's archived attachment is linked so that it downloads under
// the site's name for it, from the list of attachments and from the body;
// the page says where the repost HTML's media links start (here
// --public-url).
func TestArticle_AttachmentName(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	const pdfURL = "https://www.spp.gov.cn/spp/jczdal/202601/P0.pdf"
	a := testarchive.Article(3)
	a.Attachments = []sppcrawl.Attachment{{URL: pdfURL, Name: "案例全文"}}
	a.BodyHTML = `<p><a href="` + pdfURL + `">案例全文</a></p>`
	a.ContentHash = a.ComputeHash()
	if _, err := db.Upsert(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PutMedia(ctx, []string{a.ID}, pdfURL, []byte("%PDF-1.4 a pdf"), "application/pdf", time.Now()); err != nil {
		t.Fatal(err)
	}
	pages := web.New(db, web.Options{Version: "test", PublicURL: "https://mirror.example.org/spp"})
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{Pages: pages.Handler(), PublicURL: "https://mirror.example.org/spp"}).Handler())
	defer srv.Close()
	_, page, _ := get(t, srv.URL+"/articles/"+a.ID)
	links := regexp.MustCompile(`href="(/media/[0-9a-f]{64}[^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(links) != 2 {
		t.Fatalf("%d media links, want 2 (body and list):\n%s", len(links), page)
	}
	for _, l := range links {
		u := html.UnescapeString(l[1])
		if !strings.HasSuffix(u, "?article="+a.ID) {
			t.Errorf("link %s does not name its article", u)
		}
		_, _, h := get(t, srv.URL+u)
		if cd := h.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E6%A1%88%E4%BE%8B%E5%85%A8%E6%96%87.pdf") {
			t.Errorf("%s: Content-Disposition %q", u, cd)
		}
	}
	if !strings.Contains(page, "存档副本的地址以 https://mirror.example.org/spp/media/ 开头：本站对外的网址（serve --public-url）") {
		t.Errorf("the page does not say where the repost's media links start:\n%s", page)
	}
}
