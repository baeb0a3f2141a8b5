package crawler_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"
)

// editPage changes the first paragraph of a page of the site, as a silent
// correction does.
func (s *site) editPage(path, mark string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const p = `<p style="margin-bottom: 1.5em; text-indent: 2em;">`
	s.pages[path] = []byte(strings.Replace(string(s.pages[path]), p, p+mark, 1))
}

func (s *site) remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pages, path)
}

// --recheck N asks again for the N articles checked longest ago, with
// conditional GETs, after the news of the run; a silent edit is found.
func TestCrawl_Recheck(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "gzbg,gjgb,tzgg1")
	mustRun(t, cfg, db) // 13 articles, gzbg's first, oldest check first
	var mu sync.Mutex
	var conditional []string
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("If-None-Match") != "" && strings.Contains(r.URL.Path, "/t2") {
			mu.Lock()
			conditional = append(conditional, r.URL.Path)
			mu.Unlock()
		}
		return false
	})
	// A silent edit of an old article, which no list page shows.
	ctx := context.Background()
	due, err := db.DueRechecks(ctx, 13)
	if err != nil || len(due) != 13 {
		t.Fatalf("%d due: %v", len(due), err)
	}
	oldest := strings.TrimPrefix(due[0].URL, "https://www.spp.gov.cn")
	s.editPage(oldest, "（更正）")

	cfg.Full, cfg.Recheck = false, 5
	srv.resetHits()
	sum := mustRun(t, cfg, db)
	if sum.Rechecked != 5 || sum.Updated != 1 || !strings.Contains(sum.String(), "5 rechecked") {
		t.Errorf("summary %s: want 5 rechecked, 1 updated", sum)
	}
	mu.Lock()
	if len(conditional) != 5 {
		t.Errorf("%d conditional GETs, want 5: %v", len(conditional), conditional)
	}
	mu.Unlock()
	var want []string
	for _, rc := range due[:5] {
		want = append(want, strings.TrimPrefix(rc.URL, "https://www.spp.gov.cn"))
	}
	got := append([]string(nil), conditional...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rechecked %v, want the 5 checked longest ago %v", got, want)
	}
	st, _ := db.GetByURL(ctx, "https://www.spp.gov.cn"+oldest)
	if st.Version != 2 || !strings.HasPrefix(st.Paragraphs[0], "（更正）") {
		t.Errorf("the silent edit was not found: v%d %q", st.Version, st.Paragraphs[0])
	}
	// The next run takes the next least recently checked.
	due2, _ := db.DueRechecks(ctx, 1)
	if due2[0].URL != due[5].URL {
		t.Errorf("next due %s, want %s", due2[0].URL, due[5].URL)
	}
}

// One gone answer does not withdraw; a second in a later run does, and the
// article comes back when the page does.
func TestCrawl_Withdrawal(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "gjgb")
	mustRun(t, cfg, db)
	var path string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gjgb/") {
			path = p
			break
		}
	}
	u := "https://www.spp.gov.cn" + path
	page := s.pages[path]
	ctx := context.Background()
	cfg.Full, cfg.Recheck = false, 10
	notFound := func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == path {
			http.NotFound(w, r)
			return true
		}
		return false
	}
	// A 404, then the page again: nothing withdrawn.
	srv.setFault(notFound)
	if sum := mustRun(t, cfg, db); sum.Withdrawn != 0 || sum.Gone != 0 {
		t.Errorf("first 404: %s", sum)
	}
	srv.setFault(nil)
	mustRun(t, cfg, db)
	srv.setFault(notFound)
	if sum := mustRun(t, cfg, db); sum.Withdrawn != 0 {
		t.Errorf("a 404 after a good answer: %s", sum)
	}
	// The homepage for the URL (the site's 404) in the next run: withdrawn.
	srv.setFault(nil)
	s.remove(path)
	before, _ := db.GetByURL(ctx, u)
	sum := mustRun(t, cfg, db)
	after, _ := db.GetByURL(ctx, u)
	if sum.Withdrawn != 1 || after.WithdrawnAt.IsZero() || after.Seq <= before.Seq || after.ContentHash != before.ContentHash {
		t.Fatalf("second sighting: %s; article withdrawn_at %v seq %d→%d", sum, after.WithdrawnAt, before.Seq, after.Seq)
	}
	// It comes back.
	s.mu.Lock()
	s.pages[path] = page
	s.mu.Unlock()
	sum = mustRun(t, cfg, db)
	back, _ := db.GetByURL(ctx, u)
	if sum.Restored != 1 || !back.WithdrawnAt.IsZero() || back.Seq <= after.Seq {
		t.Errorf("back: %s; withdrawn_at %v, seq %d", sum, back.WithdrawnAt, back.Seq)
	}
}

// The shape of issue 10's bar on the fixture site: corrections (one twice)
// and withdrawals found by plain runs with --recheck; every earlier version's
// paragraphs kept exactly; nothing else touched.
func TestCrawl_CorrectionsAndWithdrawals(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	mustRun(t, cfg, db)
	ctx := context.Background()
	all, _ := db.Since(ctx, 0, 1000)
	byURL := map[string]*sppcrawl.Article{}
	for _, a := range all {
		byURL[a.URL] = a
	}
	paths := s.detailPaths()
	corrected := []string{paths[3], paths[40], paths[77], paths[150], paths[201]}
	withdrawn := []string{paths[10], paths[99], paths[260]}
	for _, p := range corrected {
		s.editPage(p, "（更正一）")
	}
	for _, p := range withdrawn {
		s.remove(p)
	}
	cfg.Full, cfg.Recheck = false, 600
	mustRun(t, cfg, db)
	s.editPage(corrected[0], "（更正二）")
	mustRun(t, cfg, db)
	mustRun(t, cfg, db)

	isIn := func(p string, list []string) bool {
		for _, x := range list {
			if x == p {
				return true
			}
		}
		return false
	}
	for _, p := range paths {
		u := "https://www.spp.gov.cn" + p
		orig := byURL[u]
		if orig == nil {
			continue // the alias of an article stored under another URL
		}
		st, err := db.GetByURL(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := db.Versions(ctx, st.ID)
		switch {
		case isIn(p, corrected):
			want := 2
			if p == corrected[0] {
				want = 3
			}
			if st.Version != want || len(vs) != want || !strings.Contains(st.Paragraphs[0], "（更正") {
				t.Errorf("%s: v%d, %d versions, %q", p, st.Version, len(vs), st.Paragraphs[0])
				continue
			}
			var v1 sppcrawl.Article
			json.Unmarshal(vs[0].Article, &v1)
			if strings.Join(v1.Paragraphs, "\n") != strings.Join(orig.Paragraphs, "\n") {
				t.Errorf("%s: version 1 paragraphs differ from what was first stored", p)
			}
		case isIn(p, withdrawn):
			if st.WithdrawnAt.IsZero() || st.Version != 1 {
				t.Errorf("%s: not withdrawn (v%d)", p, st.Version)
			}
		default:
			if st.Version != 1 || !st.WithdrawnAt.IsZero() || len(vs) != 1 {
				t.Errorf("%s: touched: v%d, withdrawn %v", p, st.Version, st.WithdrawnAt)
			}
		}
	}
	if oldest, _ := db.OldestCheck(ctx); time.Since(oldest) > time.Minute {
		t.Errorf("oldest check %v: --recheck 600 should have reached every article", oldest)
	}
}
