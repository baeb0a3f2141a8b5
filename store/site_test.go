package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"
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

// An archive of schema 3 (one site, channel records keyed by path alone)
// opens as one of many sites: its channel states, walks and site map are
// www.spp.gov.cn's, as they were, its field counts too; a second site's
// channel of the same path is another.
func TestUpgrade_V3Sites(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, copyFile(t, "../testdata/archive/v3.db"), store.Options{})
	if note, _ := db.Upgraded(ctx); note != "schema 3→4: 3 channel states and its site map kept as www.spp.gov.cn's (an archive holds many sites now)" {
		t.Errorf("upgrade note %q", note)
	}
	states, err := db.ChannelStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range states {
		got = append(got, st.Site+" "+st.Path)
	}
	if want := []string{"www.spp.gov.cn /spp/gjgb/", "www.spp.gov.cn /spp/gzbg/", "www.spp.gov.cn /spp/jczdal/"}; !slices.Equal(got, want) {
		t.Errorf("channel states %q, want %q", got, want)
	}
	spp := db.ForSite(sites.Default())
	if st, err := spp.ChannelState(ctx, "/spp/jczdal/"); err != nil || st.Walk == nil || st.Walk.Next != 2 || st.Walk.Kind != sppcrawl.WalkFull {
		t.Errorf("jczdal's state: %+v, %v; want its full walk at page 2, as that release left it", st, err)
	}
	if m, err := spp.SiteMap(ctx); err != nil || len(m.Channels) == 0 || m.DiscoveredAt.IsZero() {
		t.Errorf("spp's site map: %+v, %v; want the one discovered", m, err)
	}
	if f, err := spp.FillStats(ctx, "/spp/jczdal/"); err != nil || f.Articles != 30 {
		t.Errorf("jczdal's field counts: %+v, %v; want its 30 articles", f, err)
	}
	gd := db.ForSite(sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-"))
	if st, err := gd.ChannelState(ctx, "/spp/jczdal/"); err != nil || st.Walk != nil || !st.LastRun.IsZero() {
		t.Errorf("another site's /spp/jczdal/: %+v, %v; want none", st, err)
	}
}
