package publish_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"sppcrawl/publish"
)

// /healthz counts the files of stored articles not archived yet (a crawl
// killed before its media phase), until they are.
func TestServe_HealthzMediaDue(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	seed(t, db, 0, 6)
	due, err := db.DueMedia(ctx)
	if err != nil || len(due) == 0 {
		t.Fatalf("the seeded articles have no file due (%v): the test proves nothing", err)
	}
	files := map[string][]string{}
	for _, d := range due {
		files[d.URL] = append(files[d.URL], d.ID)
	}
	srv := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer srv.Close()
	if code, h := healthOf(t, srv); code != 200 || h.MediaDue != len(files) {
		t.Errorf("before the media are fetched: %d, media_due %d, want %d", code, h.MediaDue, len(files))
	}
	for u, ids := range files {
		if _, _, err := db.PutMedia(ctx, ids, u, []byte("\xff\xd8\xff jpeg"), "image/jpeg", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if code, h := healthOf(t, srv); code != 200 || h.MediaDue != 0 || h.Status != "ok" {
		t.Errorf("once archived: %d %+v", code, h)
	}
}
