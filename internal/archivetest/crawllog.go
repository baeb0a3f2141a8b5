package archivetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

// testChannelStates: a channel's state, a walk under way with it, comes
// back as it was put; forgetting the channel forgets it.
func testChannelStates(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	st := sppcrawl.ChannelState{Path: "/spp/jczdal/", Name: "指导性案例", LastRun: now, NewestURL: url1,
		NewestDate: published, PageCount: 12, Total: 240, ETag: `"e1"`, CompleteURL: url2, CompleteDate: published.Add(-time.Hour),
		Walk: &sppcrawl.Walk{Kind: sppcrawl.WalkFull, Next: 7, Pages: 12, Started: now}, Health: sppcrawl.HealthShrunk,
		HealthReason: "total fell from 480", HealthSince: now, OKTotal: 480, Drift: []string{"source missing"}}
	if zero, err := db.ChannelState(ctx, st.Path); err != nil || zero.Path != st.Path || zero.Walk != nil || !zero.LastRun.IsZero() {
		t.Errorf("state of a channel never crawled: %+v, %v; want its path only", zero, err)
	}
	must(t, "put channel state", db.PutChannelState(ctx, st))
	must(t, "put channel state", db.PutChannelState(ctx, sppcrawl.ChannelState{Path: "/spp/tt/", LastRun: now}))
	got, err := db.ChannelState(ctx, st.Path)
	must(t, "channel state", err)
	st.Site = "www.spp.gov.cn" // the archive's default site's
	if g, w := asJSON(t, got), asJSON(t, st); g != w {
		t.Errorf("channel state = %s\nwant %s", g, w)
	}
	all, err := db.ChannelStates(ctx)
	must(t, "channel states", err)
	var paths []string
	for _, s := range all {
		paths = append(paths, s.Path)
	}
	if slices.Sort(paths); !slices.Equal(paths, []string{"/spp/jczdal/", "/spp/tt/"}) {
		t.Errorf("channel states of %v, want /spp/jczdal/ and /spp/tt/", paths)
	}
	if forgot, err := db.ForgetChannel(ctx, "/spp/tt/"); err != nil || !forgot {
		t.Errorf("forget /spp/tt/: %v, %v; want true", forgot, err)
	}
	if st, err := db.ChannelState(ctx, "/spp/tt/"); err != nil || !st.LastRun.IsZero() {
		t.Errorf("forgotten channel's state: %+v, %v; want none", st, err)
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, "marshal", err)
	return string(b)
}

// testFailures: attempts accumulate over runs, the due ones are listed,
// a success clears, a reset makes them due.
func testFailures(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	for _, f := range []sppcrawl.Failure{
		{URL: url1, Channel: "/spp/jczdal/", Attempts: 3, Status: 503, LastError: "HTTP 503", LastTry: now, NextRetry: now.Add(-time.Minute)},
		{URL: url1, Channel: "/spp/jczdal/", Attempts: 2, Status: 503, LastError: "HTTP 503 again", LastTry: now, NextRetry: now.Add(-time.Minute)},
		{URL: url2, Attempts: 1, Status: 404, LastError: "HTTP 404", LastTry: now, Gone: true},
		{URL: url3, Attempts: 1, LastError: "timeout", LastTry: now, NextRetry: now.Add(time.Hour)},
	} {
		_, err := db.RecordFailure(ctx, f)
		must(t, "record failure", err)
	}
	f, ok, err := db.Failure(ctx, url1)
	if err != nil || !ok || f.Attempts != 5 || f.LastError != "HTTP 503 again" {
		t.Errorf("failure of %s: %+v %v %v; want 5 attempts, the last error", url1, f, ok, err)
	}
	checkFailureURLs(t, db, true, now, url1)
	checkFailureURLs(t, db, false, now, url1, url2, url3)
	must(t, "clear failure", db.ClearFailure(ctx, url1))
	if _, ok, err := db.Failure(ctx, url1); err != nil || ok {
		t.Errorf("failure of %s after a success: %v, %v; want none", url1, ok, err)
	}
	if n, err := db.ResetFailures(ctx, []string{url2}, false); err != nil || n != 1 {
		t.Errorf("reset %s: %d, %v; want 1", url2, n, err)
	}
	checkFailureURLs(t, db, true, time.Now().Add(time.Second), url2)
}

// checkFailureURLs checks the failure log's URLs (due at now, or all).
func checkFailureURLs(t *testing.T, db sppcrawl.Archive, due bool, now time.Time, want ...string) {
	t.Helper()
	fs, err := db.Failures(context.Background(), due, now)
	must(t, "failures", err)
	var got []string
	for _, f := range fs {
		got = append(got, f.URL)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("failures (due %v) = %v, want %v", due, got, want)
	}
}
