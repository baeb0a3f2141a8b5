package crawler_test

import (
	"context"
	"sync"
	"testing"

	"sppcrawl"
)

// Config.Stored is told of every article the walk stored, once its upsert
// returned, with the seq and version the archive gave it: after a full
// crawl, every record of the archive's log is a creation told at its seq,
// or an article told of since as another outcome (an alias that moved it
// to a seq of its own).
func TestCrawl_Stored(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	var mu sync.Mutex
	told := map[uint64]*sppcrawl.Article{}
	outcomes := map[sppcrawl.Outcome]int{}
	moved := map[string]bool{}
	cfg.Stored = func(a *sppcrawl.Article, res sppcrawl.UpsertResult) {
		mu.Lock()
		defer mu.Unlock()
		outcomes[res.Outcome]++
		moved[res.ID] = res.Outcome != sppcrawl.Created
		if res.Outcome == sppcrawl.Created {
			if told[res.Seq] != nil || res.ID != a.ID || res.Version != 1 {
				t.Errorf("told of %s as %+v (seq told before: %v)", a.ID, res, told[res.Seq] != nil)
			}
			told[res.Seq] = a
		}
	}
	sum := mustRun(t, cfg, db)
	if outcomes[sppcrawl.Created] != sum.Created || outcomes[sppcrawl.Aliased] != sum.Aliased || sum.Created == 0 {
		t.Errorf("told %v, the run's summary %+v", outcomes, sum)
	}
	n := 0
	err := db.ForEach(context.Background(), 0, func(st *sppcrawl.Article) error {
		n++
		a := told[st.Seq]
		switch {
		case a == nil && moved[st.ID]:
			return nil
		case a == nil || a.ID != st.ID || a.Title != st.Title || len(a.Paragraphs) != len(st.Paragraphs):
			t.Errorf("seq %d (%s): told %v", st.Seq, st.ID, a != nil)
		}
		return nil
	})
	if err != nil || n != len(siteArticles(s)) {
		t.Errorf("the log holds %d articles, the site %d (%v)", n, len(siteArticles(s)), err)
	}
}
