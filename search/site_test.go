package search_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/search"
	"sppcrawl/store"
)

// twoSites is an archive of 6 articles of www.spp.gov.cn and 6 of a local
// site (two of them in a folder spp has too), indexed.
func twoSites(t *testing.T) (*store.DB, *search.Index) {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	for i := range 6 {
		for _, a := range []*sppcrawl.Article{testarchive.Article(i), testarchive.LocalArticle(i)} {
			if r, err := db.Upsert(context.Background(), a, nil); err != nil || r.Outcome != sppcrawl.Created {
				t.Fatal(a.ID, r, err)
			}
		}
	}
	return db, caughtUp(t, db, path)
}

func TestSearch_Sites(t *testing.T) {
	db, ix := twoSites(t)
	spp := []string{"spp-700000", "spp-700001", "spp-700002", "spp-700003", "spp-700004", "spp-700005"}
	local := []string{"gd.jcy-900000", "gd.jcy-900001", "gd.jcy-900002", "gd.jcy-900003", "gd.jcy-900004", "gd.jcy-900005"}
	for _, tc := range []struct {
		name string
		req  search.Request
		want []string
	}{
		{"every site", search.Request{Query: "指导性案例"}, append(slices.Clone(local), spp...)},
		{"by key", search.Request{Query: "指导性案例", Sites: []string{"spp"}}, spp},
		{"by host", search.Request{Query: "指导性案例", Sites: []string{"WWW.GD.JCY.GOV.CN"}}, local},
		{"by bare domain", search.Request{Query: "指导性案例", Sites: []string{"gd.jcy.gov.cn"}}, local},
		{"both", search.Request{Query: "指导性案例", Sites: []string{"spp", "gd.jcy"}}, append(slices.Clone(local), spp...)},
		{"in the query", search.Request{Query: "指导性案例 site:gd.jcy"}, local},
		{"query and parameter add up", search.Request{Query: "指导性案例 site:gd.jcy", Sites: []string{"spp"}}, append(slices.Clone(local), spp...)},
		{"a folder of both, one site", search.Request{Query: "指导性案例", Channels: []string{"/spp/tt/"}, Sites: []string{"gd.jcy"}}, []string{"gd.jcy-900000", "gd.jcy-900003"}},
		{"a folder of both", search.Request{Query: "指导性案例", Channels: []string{"/spp/tt/"}}, []string{"gd.jcy-900000", "gd.jcy-900003", "spp-700000", "spp-700003"}},
		{"a channel of the other site", search.Request{Query: "指导性案例", Channels: []string{"/spp/jczdal/"}, Sites: []string{"gd.jcy"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			m, err := ix.Match(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Each(context.Background(), db, 0, func(h search.Hit) error { got = append(got, h.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || m.Total != len(tc.want) {
				t.Errorf("got %v (total %d), want %v", got, m.Total, tc.want)
			}
		})
	}
}

func TestSearch_SiteFacetAndHit(t *testing.T) {
	db, ix := twoSites(t)
	res, err := ix.Search(context.Background(), db, search.Request{Query: "指导性案例", Facets: []string{"site", "channel"}, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Facet{{Value: "www.gd.jcy.gov.cn", Name: "gd.jcy", Count: 6}, {Value: "www.spp.gov.cn", Name: "spp", Count: 6}}
	if got := res.Facets["site"]; !reflect.DeepEqual(got, want) {
		t.Errorf("site facet %+v, want %+v", got, want)
	}
	for _, f := range res.Facets["channel"] {
		if f.Value == "/spp/tt/" && f.Count != 4 {
			t.Errorf("channel facet of a folder both sites have: %+v, want 4 (one value)", f)
		}
	}
	for _, h := range res.Results {
		want := ""
		if strings.HasPrefix(h.ID, "gd.jcy-") {
			want = testarchive.LocalHost
		}
		if h.Site != want {
			t.Errorf("%s: site %q, want %q (spp's hits carry none, as its export rows)", h.ID, h.Site, want)
		}
	}
}

func TestSearch_SiteBadInput(t *testing.T) {
	_, ix := twoSites(t)
	for _, tc := range []struct {
		req  search.Request
		want string
	}{
		{search.Request{Query: "罪", Sites: []string{"www.12309.gov.cn"}}, `site "www.12309.gov.cn": the archive has no article of it`},
		{search.Request{Query: "罪 site:hbjc"}, `site "hbjc": the archive has no article of it`},
		{search.Request{Query: "罪", Sites: []string{"spp<script>"}}, `site "spp<script>": want a key`},
		{search.Request{Query: "罪", Facets: []string{"host"}}, "want channel, site, year or kind"},
	} {
		_, err := ix.Match(context.Background(), tc.req)
		if !errors.Is(err, search.ErrQuery) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an ErrQuery saying %q", tc.req, err, tc.want)
		}
	}
}
