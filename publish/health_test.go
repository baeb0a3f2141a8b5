package publish_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"sppcrawl"

	"sppcrawl/publish"
)

// /healthz counts the files of stored articles not archived yet (a crawl
// killed before its media phase), until they are.
func TestServe_HealthzMediaDue(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, 0, 6)
	due, err := db.DueMedia(ctx)
	if err != nil || len(due) == 0 {
		t.Fatalf("the seeded articles have no file due (%v): the test proves nothing", err)
	}
	files := map[string][]string{}
	for _, d := range due {
		files[d.URL] = append(files[d.URL], d.ID)
	}
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer srv.Close()
	if code, h := healthOf(t, srv); code != 200 || h.MediaDue != len(files) {
		t.Errorf("before the media are fetched: %d, media_due %d, want %d", code, h.MediaDue, len(files))
	}
	for u, ids := range files {
		if _, _, err := db.PutMedia(ctx, ids, u, []byte("\xff\xd8\xff jpeg"), "image/jpeg", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if code, h := healthOf(t, srv); code != 200 || h.MediaDue != 0 || h.Status != "ok" {
		t.Errorf("once archived: %d %+v", code, h)
	}
}

// A channel whose walk is unfinished (a repair that lost its articles marks
// it so) counts as gaps what its pager announces beyond what is stored,
// though no list page seen names them; one walked to its end counts only
// the URLs listed and never stored.
func TestStats_GapsOfUnfinishedWalk(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, 0, 9) // three articles in each of tt, jczdal and qwfb
	walk := &sppcrawl.Walk{Kind: sppcrawl.WalkFull, Next: 1, Started: time.Now()}
	for _, st := range []sppcrawl.ChannelState{
		{Path: "/spp/tt/", Total: 64, Walk: walk},
		{Path: "/spp/jczdal/", Total: 64},
	} {
		if err := db.PutChannelState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	s, err := publish.GatherStats(ctx, db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[string]int{}
	for _, r := range s.Ledger {
		gaps[r.Path] = r.Gaps
	}
	if gaps["/spp/tt/"] != 61 || gaps["/spp/jczdal/"] != 0 {
		t.Errorf("gaps %v: want 61 for the unfinished walk of 3 stored of 64 announced, 0 for the channel walked to its end", gaps)
	}
}
