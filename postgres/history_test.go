package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sppcrawl"
)

// TestDB_History_AsTheSiteWritesIt: history by a URL as the site or a
// person writes it (http://, a fragment) finds the stored article, as on
// bbolt; an id with a slash is read as a URL, and one not stored is not
// found.
func TestDB_History_AsTheSiteWritesIt(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	a := testArticle(1, "正文")
	if _, err := db.Upsert(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	for _, asked := range []string{a.ID, a.URL, strings.Replace(a.URL, "https:", "http:", 1), a.URL + "#top"} {
		if h, err := db.History(ctx, asked); err != nil || h.ID != a.ID {
			t.Errorf("history of %s: %+v, %v; want %s", asked, h, err, a.ID)
		}
	}
	for _, asked := range []string{"spp-2", "spp-jczdal/t1", "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_2.shtml"} {
		if _, err := db.History(ctx, asked); !errors.Is(err, sppcrawl.ErrNotFound) {
			t.Errorf("history of %s: %v; want not found", asked, err)
		}
	}
}
