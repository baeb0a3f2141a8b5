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

// A cross-post is kept under the URL its site ranks best: the site's own
// listing channel (here gd's 头条-like /jwgk/tt/) yields to the channel the
// article belongs to, whichever order the URLs come in.
func TestDB_OptionsSite_CrossPost(t *testing.T) {
	ctx := context.Background()
	gd := sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-").WithListings("/jwgk/tt/")
	const (
		listing = "https://www.gd.jcy.gov.cn/jwgk/tt/202606/t20260612_7770799.shtml"
		own     = "https://www.gd.jcy.gov.cn/jwgk/tzgg/202606/t20260612_7770799.shtml"
	)
	for _, order := range [][]string{{listing, own}, {own, listing}} {
		db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{Site: gd})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range order {
			a := newArticle(gd.ArticleID(u), u, "正文")
			a.ChannelPath = gd.ChannelPath(u)
			if _, err := db.Upsert(ctx, a, rawFor(a)); err != nil {
				t.Fatal(err)
			}
		}
		st, err := db.Get(ctx, "gd.jcy-7770799")
		db.Close()
		if err != nil || st.URL != own {
			t.Errorf("after %v: stored at %q, %v; want %q", order, st.URL, err, own)
		}
	}
}
