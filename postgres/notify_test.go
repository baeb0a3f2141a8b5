package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sppcrawl/internal/pgtest"
	"sppcrawl/postgres"
)

// TestDB_Commits_OtherProcess: a follower is woken by a commit of another
// process on the same database through NOTIFY: its polling is set too
// slow to wake it within the test.
func TestDB_Commits_OtherProcess(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	reader, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()), postgres.WithPollEvery(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := postgres.Open(ctx, dsn, postgres.WithMediaCache(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	commits, stop := reader.Commits()
	defer stop()
	guard := time.NewTimer(30 * time.Second)
	defer guard.Stop()
	for n := 1; n <= 3; n++ {
		if _, err := writer.Upsert(ctx, testArticle(n, fmt.Sprint("文", n)), nil); err != nil {
			t.Fatal(err)
		}
		// Coalesced: a wake-up may stand for several commits; read until
		// the log shows this one.
		for last := uint64(0); last < uint64(n); {
			select {
			case <-commits:
			case <-guard.C:
				t.Fatalf("another process's commit %d woke no follower", n)
			}
			if last, err = reader.LastSeq(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}
