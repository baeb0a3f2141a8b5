package push_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/push"
	"sppcrawl/search"
	"sppcrawl/store"
)

// A subscription naming sites receives their articles' events only; one
// stored without sites (every subscription of an earlier release) keeps
// receiving every site's.
func TestPush_SiteFilter(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	for i := range 3 {
		for _, a := range []*sppcrawl.Article{testarchive.Article(i), testarchive.LocalArticle(i)} {
			if _, err := db.Upsert(ctx, a, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := newPusher(db, push.Options{})
	created := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, "article.created "+id)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		o    push.AddOptions
		want []string
	}{
		{"none", push.AddOptions{}, created("spp-700000", "gd.jcy-900000", "spp-700001", "gd.jcy-900001", "spp-700002", "gd.jcy-900002")},
		{"spp by key", push.AddOptions{Sites: []string{"spp"}}, created("spp-700000", "spp-700001", "spp-700002")},
		{"local by host", push.AddOptions{Sites: []string{"WWW.GD.JCY.GOV.CN"}}, created("gd.jcy-900000", "gd.jcy-900001", "gd.jcy-900002")},
		{"site in the query", push.AddOptions{Query: "第1篇 site:gd.jcy"}, created("gd.jcy-900001")},
		{"site and channel", push.AddOptions{Sites: []string{"gd.jcy"}, Channels: []string{"/spp/tt/"}}, created("gd.jcy-900000")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newReceiver(t)
			tc.o.URL, tc.o.AllowHTTP, tc.o.AllowPrivate, tc.o.Since = r.srv.URL, true, true, since0()
			s, err := p.Add(ctx, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			r.setSecrets(s.Secret)
			if res, err := p.DeliverFor(ctx, 10*time.Second); err != nil || res.Pending != 0 {
				t.Fatalf("%+v %v", res, err)
			}
			if got := kinds(r.events()); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if err := db.DeleteSubscription(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A site that can name none is refused when the subscription is added.
func TestPush_SiteBadInput(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	r := newReceiver(t)
	_, err := newPusher(db, push.Options{}).Add(context.Background(), push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Sites: []string{"spp/x"}})
	if err == nil || !strings.Contains(err.Error(), `site "spp/x"`) || !errors.Is(err, search.ErrQuery) {
		t.Errorf("got %v, want an error naming the site", err)
	}
}
