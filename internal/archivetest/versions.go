package archivetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

// testVersions: every version stays whole, with the page it came from.
func testVersions(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	texts := []string{"一", "一（更正）", "一（再更正）"}
	for i, p := range texts {
		a := article("spp-1", url1, p)
		mustUpsert(t, db, a, raw(a, "<html>"+p+"</html>"), []sppcrawl.Outcome{sppcrawl.Created, sppcrawl.Updated, sppcrawl.Updated}[i])
	}
	h, err := db.History(ctx, "spp-1")
	must(t, "history", err)
	if h.ID != "spp-1" || h.URL != url1 || len(h.Versions) != 3 {
		t.Fatalf("history: id %s url %s, %d versions; want spp-1, %s, 3", h.ID, h.URL, len(h.Versions), url1)
	}
	arts, known := h.Articles()
	for i, v := range h.Versions {
		if v.Version != i+1 || (v.ReplacedAt == nil) != (i == 2) || !known[i] || !slices.Equal(arts[i].Paragraphs, texts[i:i+1]) {
			t.Errorf("version %d: %d replaced %v known %v paragraphs %q; want %d, replaced unless current, text %s", i, v.Version, v.ReplacedAt, known[i], arts[i].Paragraphs, i+1, texts[i])
		}
	}
	byURL, err := db.History(ctx, url1)
	if err != nil || len(byURL.Versions) != 3 {
		t.Errorf("history by URL: %v, %v; want the 3 versions", byURL, err)
	}
	checkVersionReads(t, db, texts)
}

// checkVersionReads: each version and its page read back one by one.
func checkVersionReads(t *testing.T, db sppcrawl.Archive, texts []string) {
	ctx := context.Background()
	for i, p := range texts {
		a, err := db.ArticleVersion(ctx, "spp-1", i+1)
		if err != nil || a.Version != i+1 || !slices.Equal(a.Paragraphs, []string{p}) {
			t.Errorf("ArticleVersion %d: %+v, %v; want text %s", i+1, a, err, p)
		}
		r, err := db.VersionRaw(ctx, "spp-1", i+1)
		if err != nil || string(r.Body) != "<html>"+p+"</html>" {
			t.Errorf("VersionRaw %d: %v; want the page of %s", i+1, err, p)
		}
	}
	earlier, err := db.EarlierVersions(ctx, "spp-1")
	if err != nil || len(earlier) != 2 || earlier[0].Paragraphs[0] != texts[0] || earlier[1].Paragraphs[0] != texts[1] {
		t.Errorf("EarlierVersions: %d, %v; want versions 1 and 2, oldest first", len(earlier), err)
	}
	cur, err := db.Raw(ctx, "spp-1")
	if err != nil || string(cur.Body) != "<html>"+texts[2]+"</html>" {
		t.Errorf("Raw: %v; want the current version's page", err)
	}
}

// testWithdrawal: a URL gone in two runs withdraws the article, with a new
// seq and its versions kept; answering again restores it.
func testWithdrawal(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	mustUpsert(t, db, article("spp-1", url1, "一（更正）"), nil, sppcrawl.Updated)
	mustUpsert(t, db, article("spp-2", url2, "二"), nil, sppcrawl.Created)
	run1, run2 := time.Now(), time.Now().Add(time.Hour)
	for i, run := range []time.Time{run1, run1, run2} {
		withdrawn, err := db.RecordGone(ctx, url1, run, "HTTP 404")
		must(t, "record gone", err)
		if withdrawn != (i == 2) {
			t.Errorf("sighting %d: withdrawn %v; want only the second run's", i+1, withdrawn)
		}
	}
	s, err := db.Get(ctx, "spp-1")
	must(t, "get", err)
	if s.WithdrawnAt.IsZero() || s.Seq != 4 || s.Version != 2 || s.Paragraphs[0] != "一（更正）" {
		t.Errorf("withdrawn: at %v seq %d version %d %q; want withdrawn_at, seq 4, version 2 kept whole", s.WithdrawnAt, s.Seq, s.Version, s.Paragraphs)
	}
	if n, err := db.Withdrawn(ctx); err != nil || n != 1 {
		t.Errorf("Withdrawn = %d, %v; want 1", n, err)
	}
	if h, err := db.History(ctx, "spp-1"); err != nil || len(h.Versions) != 2 {
		t.Errorf("history of a withdrawn article: %v; want its 2 versions kept", err)
	}
	evs, err := db.Events(ctx, 3, 10)
	if err != nil || len(evs) != 1 || evs[0].Type != sppcrawl.EventWithdrawn || evs[0].ID != "spp-1" || evs[0].Seq != 4 {
		t.Errorf("events after 3: %+v, %v; want spp-1 withdrawn at seq 4", evs, err)
	}
	res := mustUpsert(t, db, article("spp-1", url1, "一（更正）"), nil, sppcrawl.Restored)
	if s, _ := db.Get(ctx, "spp-1"); res.Seq != 5 || !s.WithdrawnAt.IsZero() {
		t.Errorf("restored: seq %d, withdrawn_at %v; want seq 5, not withdrawn", res.Seq, s.WithdrawnAt)
	}
}
