package archivetest

import (
	"context"
	"slices"
	"testing"

	"sppcrawl"
)

// testUpsert walks one article through every outcome: created, unchanged,
// updated by a body correction and by a field-only correction (a version
// each, per sppcrawl.Revision), aliased by another URL of it.
func testUpsert(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	steps := []struct {
		name        string
		a           *sppcrawl.Article
		want        sppcrawl.Outcome
		seq         uint64
		version     int
		paragraphs0 string
		source      string
	}{
		{"created", article("spp-1", url1, "一"), sppcrawl.Created, 1, 1, "一", "高检网"},
		{"other article", article("spp-2", url2, "二"), sppcrawl.Created, 2, 1, "二", "高检网"},
		{"same again", article("spp-1", url1, "一"), sppcrawl.Unchanged, 1, 1, "一", "高检网"},
		{"body correction", article("spp-1", url1, "一（更正）"), sppcrawl.Updated, 3, 2, "一（更正）", "高检网"},
		{"field-only correction", rehash(func() *sppcrawl.Article {
			a := article("spp-1", url1, "一（更正）")
			a.Source = "检察日报（更正）"
			return a
		}()), sppcrawl.Updated, 4, 3, "一（更正）", "检察日报（更正）"},
		{"cross-post", rehash(func() *sppcrawl.Article {
			a := article("spp-1", urlAlias, "一（更正）")
			a.Source = "检察日报（更正）"
			return a
		}()), sppcrawl.Aliased, 4, 3, "一（更正）", "检察日报（更正）"},
	}
	for _, s := range steps {
		res := mustUpsert(t, db, s.a, raw(s.a, "<html>"+s.name+"</html>"), s.want)
		if res.ID != s.a.ID || res.Seq != s.seq || res.Version != s.version {
			t.Errorf("%s: result %+v, want id %s seq %d version %d", s.name, res, s.a.ID, s.seq, s.version)
		}
		got, err := db.Get(ctx, s.a.ID)
		must(t, "get "+s.a.ID, err)
		if got.Seq != s.seq || got.Version != s.version || !slices.Equal(got.Paragraphs, []string{s.paragraphs0}) {
			t.Errorf("%s: stored seq %d version %d paragraphs %q, want %d %d [%s]", s.name, got.Seq, got.Version, got.Paragraphs, s.seq, s.version, s.paragraphs0)
		}
		if got.Source != s.source {
			t.Errorf("%s: stored source %q, want %q", s.name, got.Source, s.source)
		}
	}
	checkAlias(t, db)
	if n, err := db.Count(ctx); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want 2", n, err)
	}
}

// checkAlias: the cross-post's URL resolves to the article, which keeps
// its canonical URL.
func checkAlias(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	s, err := db.GetByURL(ctx, urlAlias)
	must(t, "get by alias", err)
	if s.ID != "spp-1" || s.URL != url1 || !slices.Contains(s.Aliases, urlAlias) {
		t.Errorf("by alias: id %s url %s aliases %v; want spp-1 at %s with alias %s", s.ID, s.URL, s.Aliases, url1, urlAlias)
	}
	for _, u := range []string{url1, urlAlias} {
		if ok, err := db.HasURL(ctx, u); err != nil || !ok {
			t.Errorf("HasURL(%s) = %v, %v; want true", u, ok, err)
		}
	}
	if ok, err := db.HasURL(ctx, url3); err != nil || ok {
		t.Errorf("HasURL(%s) = %v, %v; want false", url3, ok, err)
	}
}

// testPredict: Predict says what Upsert would do and changes nothing.
func testPredict(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	gen, err := db.Generation(ctx)
	must(t, "generation", err)
	for _, c := range []struct {
		a    *sppcrawl.Article
		want sppcrawl.Outcome
	}{
		{article("spp-1", url1, "一"), sppcrawl.Unchanged},
		{article("spp-1", url1, "一（更正）"), sppcrawl.Updated},
		{article("spp-1", urlAlias, "一"), sppcrawl.Aliased},
		{article("spp-2", url2, "二"), sppcrawl.Created},
	} {
		if got, err := db.Predict(ctx, c.a); err != nil || got != c.want {
			t.Errorf("predict %s %v: %v, %v; want %v", c.a.URL, c.a.Paragraphs, got, err, c.want)
		}
	}
	last, _ := db.LastSeq(ctx)
	after, _ := db.Generation(ctx)
	s, err := db.Get(ctx, "spp-1")
	must(t, "get", err)
	if last != 1 || after != gen || s.Version != 1 || len(s.Aliases) != 0 {
		t.Errorf("after predictions: last seq %d, generation %d→%d, version %d, aliases %v; want nothing changed", last, gen, after, s.Version, s.Aliases)
	}
}
