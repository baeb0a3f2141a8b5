package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// copySource is an archive holding what a copy must carry: an article
// corrected twice (three versions with their pages), one withdrawn and
// then restored (seqs moved off the end of the log), a failure, a gap, a
// channel state, a last run, a subscription with deliveries, a media file.
func copySource(t *testing.T) *store.DB {
	t.Helper()
	db := testarchive.Corrected(t)
	ctx := context.Background()
	gone := testarchive.Article(2).URL
	for i := range 2 {
		if _, err := db.RecordGone(ctx, gone, time.Now().Add(time.Duration(i)*time.Hour), "HTTP 404"); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := db.RecordChecked(ctx, gone); err != nil || res.Outcome != sppcrawl.Restored {
		t.Fatal(res, err)
	}
	img := testarchive.Article(0).Images
	if len(img) > 0 {
		if _, _, err := db.PutMedia(ctx, []string{"spp-700000"}, img[0].URL, []byte("\x89PNG\r\n\x1a\nimage"), "image/png", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	steps := []error{
		func() error {
			_, err := db.RecordFailure(ctx, sppcrawl.Failure{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_9.shtml", Channel: "/spp/tt/", Attempts: 3, Status: 503, LastError: "HTTP 503"})
			return err
		}(),
		db.MarkSeen(ctx, "/spp/tt/", []sppcrawl.Seen{{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_8.shtml", Title: "未存的一篇"}}),
		db.PutChannelState(ctx, sppcrawl.ChannelState{Path: "/spp/tt/", Name: "头条", ETag: `"e1"`}),
		db.PutRun(ctx, sppcrawl.RunSummary{Started: time.Date(2026, 11, 20, 9, 0, 0, 0, sppcrawl.CST()), Channels: 3}),
		db.KeepUnparsed(ctx, &sppcrawl.RawPage{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_7.shtml", Status: 200,
			ContentType: "text/html", FetchedAt: time.Unix(1e9, 0).UTC(), Body: []byte("<html><h2>改版</h2></html>")}),
		db.PutSubscription(ctx, sppcrawl.Subscription{ID: "sub_1", URL: "https://example.com/hook", Secret: "whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3OA==", State: sppcrawl.SubActive, Cursor: 4}),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	for i := range 3 {
		d := sppcrawl.Delivery{At: time.Date(2026, 11, 21, 9, i, 0, 0, time.UTC), Status: 204, First: uint64(i + 1), Last: uint64(i + 1), Events: 1}
		if _, err := db.RecordDelivery(ctx, "sub_1", d, func(*sppcrawl.Subscription) {}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// readsOf is what a reader of an archive sees, as JSON, by what.
func readsOf(t *testing.T, db sppcrawl.Archive) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	put := func(what string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b, _ := json.Marshal(v)
		out[what] = string(b)
	}
	var log []string
	err := db.ForEachJSON(ctx, 0, func(seq uint64, j []byte) error {
		log = append(log, fmt.Sprintf("%d %s", seq, j))
		return nil
	})
	put("log", log, err)
	for _, id := range []string{"spp-700001", "spp-700002", "spp-700003"} {
		h, err := db.History(ctx, id)
		put("history "+id, h, err)
		raw, err := db.VersionRaw(ctx, id, 1)
		if errors.Is(err, sppcrawl.ErrNotFound) {
			err = nil // no page kept: the same on both sides
		}
		put("raw "+id, raw, err)
	}
	last, err := db.LastSeq(ctx)
	put("last seq", last, err)
	evs, err := db.Events(ctx, 0, 100)
	put("events", evs, err)
	fs, err := db.Failures(ctx, false, time.Time{})
	put("failures", fs, err)
	gaps, err := db.Gaps(ctx, "")
	put("gaps", gaps, err)
	sts, err := db.ChannelStates(ctx)
	put("channel states", sts, err)
	run, _, err := db.LastRun(ctx)
	put("last run", run, err)
	subs, err := db.Subscriptions(ctx)
	put("subscriptions", subs, err)
	ds, err := db.Deliveries(ctx, "sub_1", 10)
	put("deliveries", ds, err)
	mc, err := db.MediaCounts(ctx)
	put("media counts", mc, err)
	due, err := db.DueMedia(ctx)
	put("media due", due, err)
	n, err := db.Withdrawn(ctx)
	put("withdrawn", n, err)
	var kept []string
	err = sppcrawl.EachUnparsed(ctx, db, func(p *sppcrawl.RawPage) error {
		kept = append(kept, fmt.Sprint(p.URL, p.FetchedAt.UnixNano(), p.ContentType, string(p.Body)))
		return nil
	})
	put("pages kept unparsed", kept, err)
	cc, err := db.CountByChannel(ctx)
	put("channel counts", cc, err)
	return out
}

// TestDB_CopyFrom: an archive copied into a new file reads as its source
// in every role (the log by seq byte for byte, versions and their pages,
// events, the crawl log, push's subscriptions and deliveries, media), its
// structure verifies, and a copy into an archive not empty is refused.
func TestDB_CopyFrom(t *testing.T) {
	src := copySource(t)
	ctx := context.Background()
	dst, err := store.Open(filepath.Join(t.TempDir(), "copy.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	rep, err := dst.CopyFrom(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 6 || rep.Versions != 2 || rep.RawPages != 8 || rep.Unparsed != 1 {
		t.Errorf("copied %+v; want 6 articles, 2 earlier versions, 8 raw pages, 1 page kept unparsed", rep)
	}
	want, got := readsOf(t, src), readsOf(t, dst)
	for what, w := range want {
		if got[what] != w {
			t.Errorf("%s of the copy:\n%s\nof the source:\n%s", what, got[what], w)
		}
	}
	// The copy verifies as its source does (files due for the next crawl
	// are problems of both).
	whole := func(*sppcrawl.RawPage) error { return nil }
	vs, err := src.Verify(ctx, whole)
	if err != nil {
		t.Fatal(err)
	}
	vd, err := dst.Verify(ctx, whole)
	if a, b := fmt.Sprint(vd.Problems), fmt.Sprint(vs.Problems); err != nil || a != b || vd.Versions != 2 {
		t.Errorf("verify the copy: %d earlier versions, %s, %v; of the source: %s", vd.Versions, a, err, b)
	}
	if _, err := dst.CopyFrom(ctx, src); !errors.Is(err, store.ErrNotEmpty) {
		t.Errorf("a second copy into it: %v, want ErrNotEmpty", err)
	}
}

// A copy keeps each site's channel records and site map under its own
// host: two sites' channels at one path stay apart, as in the source.
func TestDB_CopyFrom_Sites(t *testing.T) {
	ctx := context.Background()
	src, err := store.Open(filepath.Join(t.TempDir(), "src.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	gd := sppcrawl.NewLayout("www.gd.jcy.gov.cn", "gd.jcy-", "gd.jcy.gov.cn")
	for _, c := range []struct {
		site  sppcrawl.URLs
		total int
	}{{gd, 7}, {nil, 9}} {
		log := src.ForSite(gd)
		if c.site == nil {
			log = src
		}
		if err := log.PutChannelState(ctx, sppcrawl.ChannelState{Path: "/xwfb/", Total: c.total, LastRun: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	m := sppcrawl.SiteMap{DiscoveredAt: time.Now().UTC().Truncate(time.Second), Channels: []sppcrawl.Channel{{Key: "xwfb", Name: "新闻发布", Path: "/xwfb/"}}}
	if err := src.ForSite(gd).PutSiteMap(ctx, m); err != nil {
		t.Fatal(err)
	}
	dst, err := store.Open(filepath.Join(t.TempDir(), "copy.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := dst.CopyFrom(ctx, src); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		log   sppcrawl.CrawlArchive
		total int
	}{{dst.ForSite(gd), 7}, {dst, 9}} {
		if st, err := c.log.ChannelState(ctx, "/xwfb/"); err != nil || st.Total != c.total {
			t.Errorf("copied state of /xwfb/: total %d, %v; want %d", st.Total, err, c.total)
		}
	}
	if got, err := dst.ForSite(gd).SiteMap(ctx); err != nil || len(got.Channels) != 1 || !got.DiscoveredAt.Equal(m.DiscoveredAt) {
		t.Errorf("copied site map of %s: %+v, %v; want %+v", gd.Host(), got, err, m)
	}
}
