package archivetest

import (
	"context"
	"testing"

	"sppcrawl"
)

// testNotFound: what is not there is sppcrawl.ErrNotFound, whichever read
// asks, so that one place maps it to 404.
func testNotFound(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	mustUpsert(t, db, article("spp-1", url1, "一"), nil, sppcrawl.Created)
	_, err := db.Get(ctx, "spp-9")
	wantNotFound(t, "Get", err)
	_, err = db.GetByURL(ctx, url3)
	wantNotFound(t, "GetByURL", err)
	_, err = db.GetJSON(ctx, "spp-9")
	wantNotFound(t, "GetJSON", err)
	_, err = db.Raw(ctx, "spp-9")
	wantNotFound(t, "Raw", err)
	_, err = db.History(ctx, "spp-9")
	wantNotFound(t, "History", err)
	_, err = db.ArticleVersion(ctx, "spp-1", 9)
	wantNotFound(t, "ArticleVersion of a version that never was", err)
	_, err = db.VersionRaw(ctx, "spp-1", 9)
	wantNotFound(t, "VersionRaw of a version that never was", err)
	_, _, err = db.Media(ctx, "0000000000000000000000000000000000000000000000000000000000000000")
	wantNotFound(t, "Media", err)
	_, err = db.Subscription(ctx, "sub-x")
	wantNotFound(t, "Subscription", err)
	h, err := db.History(ctx, "spp-1")
	must(t, "history", err)
	_, err = h.Version(9)
	wantNotFound(t, "History.Version", err)
}
