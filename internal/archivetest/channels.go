package archivetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
)

// testGaps: URLs a list showed and the archive does not hold are gaps,
// with why, until they are stored.
func testGaps(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	must(t, "mark seen", db.MarkSeen(ctx, "/spp/jczdal/", []sppcrawl.Seen{{URL: url1, Title: "一"}, {URL: url2, Title: "二"}, {URL: url3}}))
	_, err := db.RecordFailure(ctx, sppcrawl.Failure{URL: url2, Attempts: 1, Status: 503, LastError: "HTTP 503", LastTry: time.Now(), NextRetry: time.Now()})
	must(t, "record failure", err)
	_, err = db.RecordFailure(ctx, sppcrawl.Failure{URL: url3, Attempts: 1, Status: 404, LastError: "HTTP 404", LastTry: time.Now(), Gone: true})
	must(t, "record failure", err)
	checkGaps(t, db, "/spp/jczdal/", url1+" 一 not yet fetched", url2+" 二 failed HTTP 503", url3+" gone HTTP 404")
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	checkGaps(t, db, "", url2+" 二 failed HTTP 503", url3+" gone HTTP 404")
	checkGaps(t, db, "/spp/tt/")
	// A stored URL seen again on a list is no gap.
	must(t, "mark seen", db.MarkSeen(ctx, "/spp/jczdal/", []sppcrawl.Seen{{URL: url1}}))
	checkGaps(t, db, "", url2+" 二 failed HTTP 503", url3+" gone HTTP 404")
}

// checkGaps checks a channel's gaps (every channel's: ""), as
// "URL title why error", sorted.
func checkGaps(t *testing.T, db sppcrawl.Archive, channel string, want ...string) {
	t.Helper()
	gaps, err := db.Gaps(context.Background(), channel)
	must(t, "gaps", err)
	var got []string
	for _, g := range gaps {
		got = append(got, strings.Join(strings.Fields(g.URL+" "+g.Title+" "+g.Why+" "+g.Error), " "))
		if g.Channel != "/spp/jczdal/" || g.Site != "www.spp.gov.cn" {
			t.Errorf("gap %s in channel %q of %q, want www.spp.gov.cn's /spp/jczdal/", g.URL, g.Channel, g.Site)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("gaps of %q = %q, want %q", channel, got, want)
	}
}

// testRunsAndCounts: the last run, the site map and the counts per
// channel read back as written.
func testRunsAndCounts(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	if _, ok, err := db.LastRun(ctx); err != nil || ok {
		t.Errorf("last run of a new archive: %v, %v; want none", ok, err)
	}
	start := time.Now().UTC().Truncate(time.Second)
	for i, created := range []int{3, 1} {
		r := sppcrawl.RunSummary{Started: start.Add(time.Duration(i) * time.Hour), Finished: start.Add(time.Duration(i)*time.Hour + time.Minute), Channels: 12, Created: created}
		must(t, "put run", db.PutRun(ctx, r))
	}
	if r, ok, err := db.LastRun(ctx); err != nil || !ok || r.Created != 1 || !r.Started.Equal(start.Add(time.Hour)) {
		t.Errorf("last run: %+v %v %v; want the second", r, ok, err)
	}
	m := sppcrawl.SiteMap{DiscoveredAt: start, Channels: []sppcrawl.Channel{{Key: "tt", Path: "/spp/tt/", Name: "头条"}}}
	must(t, "put site map", db.PutSiteMap(ctx, m))
	if got, err := db.SiteMap(ctx); err != nil || asJSON(t, got) != asJSON(t, m) {
		t.Errorf("site map = %s, %v; want %s", asJSON(t, got), err, asJSON(t, m))
	}
	fillLog(t, db)
	mustUpsert(t, db, article("spp-9", urlAlias, "九"), nil, sppcrawl.Created)
	counts, err := db.CountByChannel(ctx)
	must(t, "count by channel", err)
	var got []string
	for _, c := range counts {
		got = append(got, c.Path+" "+strings.Repeat("+", c.Articles))
	}
	if want := []string{"/spp/jczdal/ +++++", "/spp/tt/ +"}; !slices.Equal(got, want) {
		t.Errorf("count by channel = %q, want %q", got, want)
	}
}

// testRechecks: the articles checked longest ago come first, with the
// validators of their page; a check moves one to the end.
func testRechecks(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		a := article(fmt.Sprint("spp-", n), urlN(n), "x")
		p := raw(a, "<html></html>")
		p.ETag = fmt.Sprintf(`"e%d"`, n)
		mustUpsert(t, db, rehash(a), p, sppcrawl.Created)
	}
	res, err := db.RecordChecked(ctx, urlN(1))
	if err != nil || res.Outcome != sppcrawl.Unchanged || res.ID != "spp-1" {
		t.Errorf("record checked: %+v, %v; want spp-1 unchanged", res, err)
	}
	due, err := db.DueRechecks(ctx, 3)
	must(t, "due rechecks", err)
	var got []string
	for _, r := range due {
		got = append(got, r.ID+" "+r.ETag+" "+r.URL)
	}
	want := []string{`spp-2 "e2" ` + urlN(2), `spp-3 "e3" ` + urlN(3), `spp-1 "e1" ` + urlN(1)}
	if !slices.Equal(got, want) {
		t.Errorf("due rechecks = %q, want %q", got, want)
	}
	if two, err := db.DueRechecks(ctx, 2); err != nil || len(two) != 2 {
		t.Errorf("2 due rechecks: %d, %v", len(two), err)
	}
}
