package archivetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// Two sites of one archive naming a channel by the same path: spp's and a
// local procuratorate's /xwfb/.
const (
	sharedPath = "/xwfb/"
	gdURL      = "https://www.gd.jcy.gov.cn/xwfb/202608/t20260805_7.shtml"
	sppXwfbURL = "https://www.spp.gov.cn/xwfb/202608/t20260805_8.shtml"
)

var gd = sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-", "gd.jcy.gov.cn")

// testSites: the crawl's records of two sites with a channel of the same
// path stay apart, each site's crawl seeing its own walk, field counts,
// failures, gaps, rechecks and site map; the archive lists both channels,
// each with its site.
func testSites(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	spp, local := db.ForSite(sites.Default()), db.ForSite(gd)
	now := time.Now().UTC().Truncate(time.Second)
	must(t, "put spp's state", spp.PutChannelState(ctx, sppcrawl.ChannelState{Path: sharedPath, LastRun: now,
		Walk: &sppcrawl.Walk{Kind: sppcrawl.WalkFull, Next: 7, Started: now}}))
	must(t, "put gd's state", local.PutChannelState(ctx, sppcrawl.ChannelState{Path: sharedPath, LastRun: now,
		Walk: &sppcrawl.Walk{Kind: sppcrawl.WalkSince, Next: 2, Since: published, Started: now}}))
	for _, c := range []struct {
		log  sppcrawl.CrawlArchive
		site string
		next int
	}{{spp, "www.spp.gov.cn", 7}, {local, "www.gd.jcy.gov.cn", 2}, {db, "www.spp.gov.cn", 7}} {
		st, err := c.log.ChannelState(ctx, sharedPath)
		if err != nil || st.Walk == nil || st.Walk.Next != c.next || st.Site != c.site {
			t.Errorf("%s's state of %s: %+v, %v; want its walk at page %d", c.site, sharedPath, st, err, c.next)
		}
	}
	all, err := db.ChannelStates(ctx)
	must(t, "channel states", err)
	var got []string
	for _, st := range all {
		got = append(got, st.Site+" "+st.Path)
	}
	if slices.Sort(got); !slices.Equal(got, []string{"www.gd.jcy.gov.cn /xwfb/", "www.spp.gov.cn /xwfb/"}) {
		t.Errorf("channel states %q, want both sites' %s", got, sharedPath)
	}
	sitesForget(t, db, spp, local)
	sitesRecords(t, db, spp, local)
}

// sitesForget: forgetting one site's channel leaves the other's.
func sitesForget(t *testing.T, db sppcrawl.Archive, spp, local sppcrawl.CrawlArchive) {
	ctx := context.Background()
	if forgot, err := db.ForgetChannel(ctx, sharedPath); err != nil || !forgot {
		t.Errorf("forget spp's %s: %v, %v", sharedPath, forgot, err)
	}
	if st, _ := spp.ChannelState(ctx, sharedPath); st.Walk != nil {
		t.Errorf("spp's forgotten %s: %+v", sharedPath, st)
	}
	if st, _ := local.ChannelState(ctx, sharedPath); st.Walk == nil {
		t.Errorf("gd's %s was forgotten with spp's", sharedPath)
	}
}

// sitesRecords: field counts, failures, gaps, rechecks and site maps are
// each site's own.
func sitesRecords(t *testing.T, db sppcrawl.Archive, spp, local sppcrawl.CrawlArchive) {
	ctx := context.Background()
	a := article("gd.jcy-7", gdURL, "一")
	a.ChannelPath = sharedPath
	mustUpsert(t, db, rehash(a), raw(a, "<html></html>"), sppcrawl.Created)
	if n, err := local.Count(ctx); err != nil || n != 1 {
		t.Errorf("gd's count: %d, %v; want its 1", n, err)
	}
	if n, err := spp.Count(ctx); err != nil || n != 0 {
		t.Errorf("spp's count: %d, %v; want none (gd's article is gd's)", n, err)
	}
	if f, err := local.FillStats(ctx, sharedPath); err != nil || f.Articles != 1 {
		t.Errorf("gd's field counts of %s: %+v, %v; want 1 article", sharedPath, f, err)
	}
	if f, err := spp.FillStats(ctx, sharedPath); err != nil || f.Articles != 0 {
		t.Errorf("spp's field counts of %s: %+v, %v; want none", sharedPath, f, err)
	}
	now := time.Now()
	_, err := spp.RecordFailure(ctx, sppcrawl.Failure{URL: sppXwfbURL, Channel: sharedPath, Attempts: 1, LastError: "HTTP 503", LastTry: now, NextRetry: now})
	must(t, "record failure", err)
	if fs, err := local.Failures(ctx, true, now); err != nil || len(fs) != 0 {
		t.Errorf("gd's due failures: %+v, %v; want spp's left out", fs, err)
	}
	if fs, err := spp.Failures(ctx, true, now); err != nil || len(fs) != 1 {
		t.Errorf("spp's due failures: %+v, %v; want its one", fs, err)
	}
	if rc, err := spp.DueRechecks(ctx, 5); err != nil || len(rc) != 0 {
		t.Errorf("spp's rechecks: %+v, %v; want none (gd's article is gd's)", rc, err)
	}
	if rc, err := local.DueRechecks(ctx, 5); err != nil || len(rc) != 1 || rc[0].URL != gdURL {
		t.Errorf("gd's rechecks: %+v, %v; want its article", rc, err)
	}
	m := sppcrawl.SiteMap{DiscoveredAt: now.UTC().Truncate(time.Second), Channels: []sppcrawl.Channel{{Key: "xwfb", Path: sharedPath, Name: "新闻发布"}}}
	must(t, "put gd's site map", local.PutSiteMap(ctx, m))
	if got, err := spp.SiteMap(ctx); err != nil || len(got.Channels) != 0 {
		t.Errorf("spp's site map = %+v, %v; want none (gd's is gd's)", got, err)
	}
	if got, err := local.SiteMap(ctx); err != nil || asJSON(t, got) != asJSON(t, m) {
		t.Errorf("gd's site map = %s, %v", asJSON(t, got), err)
	}
}
