package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// twoSiteArchive is an archive of 4 articles of www.spp.gov.cn and 4 of a
// local site, closed for the commands to open.
func twoSiteArchive(t *testing.T) string {
	t.Helper()
	db, path := testarchive.Open(t, store.Options{})
	for i := range 4 {
		for _, a := range []*sppcrawl.Article{testarchive.Article(i), testarchive.LocalArticle(i)} {
			if _, err := db.Upsert(context.Background(), a, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// export --site and search --site keep the articles of the sites named.
func TestCLI_Site(t *testing.T) {
	path := twoSiteArchive(t)
	ids := func(arts []*sppcrawl.Article) []string {
		var out []string
		for _, a := range arts {
			out = append(out, a.ID)
		}
		slices.Sort(out)
		return out
	}
	spp := []string{"spp-700000", "spp-700001", "spp-700002", "spp-700003"}
	local := []string{"gd.jcy-900000", "gd.jcy-900001", "gd.jcy-900002", "gd.jcy-900003"}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, append(slices.Clone(local), spp...)},
		{[]string{"--site", "spp"}, spp},
		{[]string{"--site", "www.gd.jcy.gov.cn"}, local},
		{[]string{"--site", "gd.jcy,spp"}, append(slices.Clone(local), spp...)},
	} {
		if got := ids(exported(t, path, tc.args...)); !slices.Equal(got, tc.want) {
			t.Errorf("export %q: %v, want %v", tc.args, got, tc.want)
		}
		got := searchIDs(t, path, append(slices.Clone(tc.args), "指导性案例")...)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v, want %v", tc.args, got, tc.want)
		}
	}
	if got := searchIDs(t, path, "指导性案例", "site:gd.jcy"); len(got) != 4 || !strings.HasPrefix(got[0], "gd.jcy-") {
		t.Errorf("search site:gd.jcy: %v, want the local site's 4", got)
	}
}

// A --site that can name no site is a usage error naming it.
func TestCLI_SiteBadInput(t *testing.T) {
	path := twoSiteArchive(t)
	for _, args := range [][]string{
		{"export", "--db", path, "--site", "spp/x"},
		{"search", "--db", path, "--site", "spp/x", "罪"},
	} {
		var code int
		errOut := stderrOf(&code, args)
		if code != exitUsage || !strings.Contains(errOut, `site "spp/x"`) {
			t.Errorf("%q: exit %d, %q; want exit 2 naming the site", args, code, errOut)
		}
	}
}

// subscriptions add --sites stores the sites the subscription is for;
// one that can name no site is refused, naming it.
func TestCLI_SubscriptionSites(t *testing.T) {
	path := twoSiteArchive(t)
	var code int
	out := stdoutOf(&code, []string{"subscriptions", "add", "https://93.184.216.34/h", "--sites", "gd.jcy,WWW.SPP.GOV.CN", "--db", path, "--format", "json", "--quiet"})
	var added struct{ ID string }
	if err := json.Unmarshal([]byte(out), &added); code != exitOK || err != nil {
		t.Fatalf("add: exit %d, %v: %s", code, err, out)
	}
	out = stdoutOf(&code, []string{"subscriptions", "show", added.ID, "--db", path, "--format", "json", "--quiet"})
	var shown struct{ Sites []string }
	if err := json.Unmarshal([]byte(out), &shown); code != exitOK || err != nil || !slices.Equal(shown.Sites, []string{"gd.jcy", "www.spp.gov.cn"}) {
		t.Errorf("show: exit %d, %v, %s; want the subscription with its sites", code, err, out)
	}
	errOut := stderrOf(&code, []string{"subscriptions", "add", "https://93.184.216.34/h", "--sites", "a b", "--db", path})
	if code == exitOK || !strings.Contains(errOut, `site "a b"`) {
		t.Errorf("exit %d, %q; want a refusal naming the site", code, errOut)
	}
}

// stats says each site's articles and each channel's site,
// in text and JSON, when the archive holds several.
func TestCLI_StatsSites(t *testing.T) {
	path := twoSiteArchive(t)
	var code int
	out := stdoutOf(&code, []string{"stats", "--db", path})
	for _, want := range []string{"site www.gd.jcy.gov.cn (gd.jcy): 4 articles, 1 channels, 0 unhealthy\n", "site www.spp.gov.cn (spp): 4 articles", "\nwww.gd.jcy.gov.cn  xwzx ", "\nwww.spp.gov.cn     jczdal "} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("stats: exit %d, no %q in:\n%s", code, want, out)
		}
	}
	out = stdoutOf(&code, []string{"stats", "--db", path, "--format", "json"})
	var st struct {
		Sites []struct {
			Site     string `json:"site"`
			Articles int    `json:"articles"`
		} `json:"sites"`
	}
	if err := json.Unmarshal([]byte(out), &st); code != exitOK || err != nil || len(st.Sites) != 2 || st.Sites[0].Site != "www.gd.jcy.gov.cn" || st.Sites[1].Articles != 4 {
		t.Errorf("stats --format json: exit %d, %v, %+v", code, err, st.Sites)
	}
}
