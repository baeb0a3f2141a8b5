package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// TestDB_Gaps_StoredMeanwhile: a list page's MarkSeen that commits after a
// parallel fetch stored the article (its check ran before that commit)
// leaves a seen row for a stored URL; Gaps lists none for it, as bbolt's
// serialised writes never do.
func TestDB_Gaps_StoredMeanwhile(t *testing.T) {
	ctx := context.Background()
	db, dsn := openDSN(t)
	stored, listed := testArticle(1, "正文"), testArticle(2, "正文")
	if _, err := db.Upsert(ctx, stored, nil); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, a := range []*sppcrawl.Article{stored, listed} {
		if _, err := conn.Exec(ctx, "INSERT INTO seen (url, channel, title) VALUES ($1, $2, '')", a.URL, a.ChannelPath); err != nil {
			t.Fatal(err)
		}
	}
	gaps, err := db.Gaps(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 1 || gaps[0].URL != listed.URL {
		t.Errorf("gaps %+v; want only %s, the one not stored", gaps, listed.URL)
	}
}
