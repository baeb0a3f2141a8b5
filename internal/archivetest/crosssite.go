package archivetest

import (
	"context"
	"testing"

	"sppcrawl"
)

// testCrossSite: content identical to a stored article is another URL of
// it within its site (Aliased), but another site's own document when
// another site publishes it (Created): a local procuratorate reposting
// spp's release word for word keeps it in its own listing, search and feed.
func testCrossSite(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	same := func(id, url string) *sppcrawl.Article {
		a := article(id, url, "同一篇通稿。")
		a.Title = "同一标题"
		return rehash(a)
	}
	gd1 := "https://www.gd.jcy.gov.cn/xwfb/202608/t20260805_5.shtml"
	gd2 := "https://www.gd.jcy.gov.cn/xwfb/202608/t20260805_6.shtml"
	for _, c := range []struct {
		a    *sppcrawl.Article
		want sppcrawl.Outcome
	}{
		{same("spp-1", url1), sppcrawl.Created},
		{same("gd.jcy-5", gd1), sppcrawl.Created}, // another site's repost
		{same("spp-2", url2), sppcrawl.Aliased},   // spp's own second URL
		{same("gd.jcy-6", gd2), sppcrawl.Aliased}, // the local site's own second URL
	} {
		if got, err := db.Predict(ctx, c.a); err != nil || got != c.want {
			t.Errorf("predict %s: %v, %v; want %v", c.a.ID, got, err, c.want)
		}
		mustUpsert(t, db, c.a, nil, c.want)
	}
	for id, site := range map[string]string{"spp-1": "www.spp.gov.cn", "gd.jcy-5": "www.gd.jcy.gov.cn"} {
		s, err := db.Get(ctx, id)
		if err != nil || s.SiteHost() != site {
			t.Errorf("get %s: %v; want its site's own article (%s)", id, err, site)
		}
	}
}
