package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
	"sppcrawl/sites"
)

const testURL = "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_%d.shtml"

func testArticle(n int, text string) *sppcrawl.Article {
	url := fmt.Sprintf(testURL, n)
	a := &sppcrawl.Article{ID: fmt.Sprint("spp-", n), URL: url, Aliases: []string{}, Channel: "指导性案例",
		ChannelPath: sites.Default().ChannelPath(url), Title: "标题", PublishedAt: time.Date(2026, 8, 5, 9, 0, 0, 0, sppcrawl.CST()),
		Paragraphs: []string{text}, Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{}}
	a.ContentHash = a.ComputeHash()
	return a
}

// TestDB_Upsert/SameArticleAtOnce: two archives (two processes' pools) on
// one database storing the same article at once give one article, one
// version, one seq.
func TestDB_Upsert_SameArticleAtOnce(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer db.Close()
		dbs[i] = db
	}
	for round := range 20 {
		n := round + 1
		var wg sync.WaitGroup
		outcomes := make([]sppcrawl.Outcome, 2)
		errs := make([]error, 2)
		for i, db := range dbs {
			wg.Go(func() {
				res, err := db.Upsert(ctx, testArticle(n, "同一篇"+fmt.Sprint(n)), nil)
				outcomes[i], errs[i] = res.Outcome, err
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		if got := fmt.Sprint(outcomes[0], outcomes[1]); outcomes[0]+outcomes[1] != sppcrawl.Created+sppcrawl.Unchanged {
			t.Fatalf("round %d: outcomes %s; want one created, one unchanged", round, got)
		}
	}
	if n, err := dbs[0].Count(ctx); err != nil || n != 20 {
		t.Errorf("count = %d, %v; want 20", n, err)
	}
	if last, err := dbs[1].LastSeq(ctx); err != nil || last != 20 {
		t.Errorf("last seq = %d, %v; want 20 (one seq per article)", last, err)
	}
	if h, err := dbs[1].History(ctx, "spp-7"); err != nil || len(h.Versions) != 1 {
		t.Errorf("history of spp-7: %v; want one version", err)
	}
}

// TestDB_SeqLog_LateCommit: a reader following the log by cursor while
// several writers commit never moves past a seq committed after it read:
// every article arrives exactly once.
func TestDB_SeqLog_LateCommit(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	var writers [4]*postgres.DB
	for i := range writers {
		db, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		defer db.Close()
		writers[i] = db
	}
	const perWriter = 40
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w, db := range writers {
		wg.Go(func() {
			for i := range perWriter {
				n := w*perWriter + i + 1
				if _, err := db.Upsert(ctx, testArticle(n, fmt.Sprint("文", n)), nil); err != nil {
					t.Errorf("upsert %d: %v", n, err)
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	seen := map[string]int{}
	cursor, finished := uint64(0), false
	for !finished {
		select {
		case <-done:
			finished = true // one more read after the last commit
		default:
		}
		page, next, err := writers[0].SinceSeq(ctx, cursor, 7)
		if err != nil {
			t.Fatalf("since %d: %v", cursor, err)
		}
		for _, a := range page {
			seen[a.ID]++
		}
		cursor = next
		if len(page) == 7 {
			finished = false // the log has more: read on
		}
	}
	if len(seen) != len(writers)*perWriter {
		t.Errorf("the reader saw %d articles, want %d: its cursor skipped a late commit", len(seen), len(writers)*perWriter)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s read %d times", id, k)
		}
	}
}
