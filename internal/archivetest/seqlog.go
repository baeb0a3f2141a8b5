package archivetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

// urlN is the URL of article spp-n.
func urlN(n int) string {
	return fmt.Sprintf("https://www.spp.gov.cn/spp/jczdal/202608/t20260805_%d.shtml", n)
}

// fillLog stores spp-1…5, then corrects spp-2 and spp-4: the log holds
// seqs 1, 3, 5 (spp-1, 3, 5) and 6, 7 (spp-2, 4 moved to the end).
func fillLog(t *testing.T, db sppcrawl.Archive) {
	for n := 1; n <= 5; n++ {
		mustUpsert(t, db, article(fmt.Sprint("spp-", n), urlN(n), fmt.Sprint(n)), nil, sppcrawl.Created)
	}
	for _, n := range []int{2, 4} {
		mustUpsert(t, db, article(fmt.Sprint("spp-", n), urlN(n), fmt.Sprint(n, "（更正）")), nil, sppcrawl.Updated)
	}
}

func idsAt(as []*sppcrawl.Article) []string {
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprint(a.ID, "@", a.Seq))
	}
	return out
}

var wantLog = []string{"spp-1@1", "spp-3@3", "spp-5@5", "spp-2@6", "spp-4@7"}

// testSeqCursor: the log in seq order, each article once at its latest
// seq; a cursor read page by page gives the same, and resumes exactly.
func testSeqCursor(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	fillLog(t, db)
	all, err := db.Since(ctx, 0, 100)
	must(t, "since 0", err)
	if got := idsAt(all); !slices.Equal(got, wantLog) {
		t.Errorf("since 0 = %v, want %v", got, wantLog)
	}
	var paged []*sppcrawl.Article
	for cursor, pages := uint64(0), 0; ; pages++ {
		page, next, err := db.SinceSeq(ctx, cursor, 2)
		must(t, "since seq", err)
		if len(page) == 0 || pages > 10 {
			break
		}
		if next != page[len(page)-1].Seq {
			t.Errorf("cursor after %v = %d, want the last seq read", idsAt(page), next)
		}
		paged, cursor = append(paged, page...), next
	}
	if got := idsAt(paged); !slices.Equal(got, wantLog) {
		t.Errorf("read 2 at a time = %v, want %v", got, wantLog)
	}
	if last, err := db.LastSeq(ctx); err != nil || last != 7 {
		t.Errorf("LastSeq = %d, %v; want 7", last, err)
	}
	if n, err := db.CountAfter(ctx, 3); err != nil || n != 3 {
		t.Errorf("CountAfter(3) = %d, %v; want 3", n, err)
	}
	checkJSONLog(t, db)
	mustUpsert(t, db, article("spp-6", urlN(6), "6"), nil, sppcrawl.Created)
	if got, err := db.Since(ctx, 7, 100); err != nil || !slices.Equal(idsAt(got), []string{"spp-6@8"}) {
		t.Errorf("resumed at 7: %v, %v; want exactly spp-6@8", idsAt(got), err)
	}
}

// checkJSONLog: the log as JSON is each article's exported JSON, and the
// walks start after their cursor.
func checkJSONLog(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	js, next, err := db.SinceJSON(ctx, 3, 100)
	must(t, "since json", err)
	if len(js) != 3 || next != 7 {
		t.Fatalf("SinceJSON(3): %d articles, cursor %d; want 3, 7", len(js), next)
	}
	for i, id := range []string{"spp-5", "spp-2", "spp-4"} {
		want, err := db.GetJSON(ctx, id)
		must(t, "get json", err)
		if string(js[i]) != string(want) {
			t.Errorf("SinceJSON[%d] = %s, want %s's JSON %s", i, js[i], id, want)
		}
	}
	var seqs []uint64
	must(t, "for each json", db.ForEachJSON(ctx, 5, func(seq uint64, _ []byte) error { seqs = append(seqs, seq); return nil }))
	var ids []string
	must(t, "for each", db.ForEach(ctx, 5, func(a *sppcrawl.Article) error { ids = append(ids, a.ID); return nil }))
	if !slices.Equal(seqs, []uint64{6, 7}) || !slices.Equal(ids, []string{"spp-2", "spp-4"}) {
		t.Errorf("after 5: seqs %v ids %v; want 6, 7: spp-2, spp-4", seqs, ids)
	}
}

// testEvents: every seq has its event, none missing however the articles
// moved along the log.
func testEvents(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	fillLog(t, db)
	evs, err := db.Events(ctx, 0, 100)
	must(t, "events", err)
	var got []string
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Errorf("event %d has seq %d: the events have a gap", i, e.Seq)
		}
		got = append(got, fmt.Sprint(e.Type, " ", e.ID, " v", e.Version))
	}
	want := []string{"article.created spp-1 v1", "article.created spp-2 v1", "article.created spp-3 v1", "article.created spp-4 v1",
		"article.created spp-5 v1", "article.updated spp-2 v2", "article.updated spp-4 v2"}
	if !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	if tail, err := db.Events(ctx, 5, 1); err != nil || len(tail) != 1 || tail[0].Seq != 6 {
		t.Errorf("events after 5, limit 1: %+v, %v; want seq 6", tail, err)
	}
}

// testNotify: a reader waiting for the log to grow is woken by a commit
// that gives a seq, and reads the change from the archive.
func testNotify(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	gen, err := db.Generation(ctx)
	must(t, "generation", err)
	commits, stop := db.Commits()
	defer stop()
	woken := make(chan uint64, 1)
	go func() {
		<-commits
		last, _ := db.LastSeq(ctx)
		woken <- last
	}()
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	// A guard against hanging: the wait itself is for the event.
	guard := time.NewTimer(30 * time.Second)
	defer guard.Stop()
	select {
	case last := <-woken:
		if last != 1 {
			t.Errorf("woken, the log's last seq is %d, want 1", last)
		}
	case <-guard.C:
		t.Fatal("a commit that gave a seq woke no waiter")
	}
	if after, err := db.Generation(ctx); err != nil || after == gen {
		t.Errorf("generation %d → %d, %v; want it changed by a created article", gen, after, err)
	}
}
