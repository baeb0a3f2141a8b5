package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"sppcrawl"
	"sppcrawl/store"
)

// An archive opened for another site asks that site of the URLs it is
// given: History finds an article by a URL of its host, typed without its
// scheme, and refuses spp.gov.cn's.
func TestDB_OptionsSite(t *testing.T) {
	ctx := context.Background()
	gd := sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-", "gd.jcy.gov.cn")
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: gd})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const u = "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml"
	a := newArticle(gd.ArticleID(u), u, "正文")
	a.ChannelPath = gd.ChannelPath(u)
	if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, "gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml")
	if err != nil || h.ID != "gd.jcy-7770799" || len(h.Versions) != 1 {
		t.Fatalf("History = %+v, %v; want gd.jcy-7770799 with one version", h, err)
	}
	if _, err := db.History(ctx, u1); !errors.Is(err, sppcrawl.ErrOffSite) {
		t.Errorf("History(spp's URL) = %v, want ErrOffSite", err)
	}
}
