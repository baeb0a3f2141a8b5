package store_test

import (
	"context"
	"testing"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// A gap keeps the title its list page gave it; forgetting the channel
// forgets its gaps.
func TestDB_GapTitles(t *testing.T) {
	db, _ := testarchive.Open(t, store.Options{})
	ctx := context.Background()
	seen := []sppcrawl.Seen{{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_1.shtml", Title: "最高检发布典型案例"},
		{URL: "https://www.spp.gov.cn/spp/tt/202601/t20260101_2.shtml"}}
	if err := db.MarkSeen(ctx, "/spp/tt/", seen); err != nil {
		t.Fatal(err)
	}
	gaps, err := db.Gaps(ctx, "/spp/tt/")
	if err != nil || len(gaps) != 2 || gaps[0].Title != "最高检发布典型案例" || gaps[1].Title != "" || gaps[0].Channel != "/spp/tt/" {
		t.Fatalf("gaps %+v, %v", gaps, err)
	}
	if ok, err := db.ForgetChannel(ctx, "/spp/tt/"); !ok || err != nil {
		t.Fatalf("forget: %v %v", ok, err)
	}
	if gaps, _ := db.Gaps(ctx, ""); len(gaps) != 0 {
		t.Errorf("gaps after forgetting the channel: %+v", gaps)
	}
}
