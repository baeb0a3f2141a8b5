package archivetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"sppcrawl"
)

func subscription(id string) sppcrawl.Subscription {
	return sppcrawl.Subscription{ID: id, Kind: sppcrawl.KindWebhook, URL: "https://receiver.example/" + id,
		Secret: "whsec_c2VjcmV0", Events: []sppcrawl.EventType{sppcrawl.EventCreated}, Channels: []string{"/spp/jczdal/"},
		Query: "检察", Batch: 10, State: sppcrawl.SubActive, Created: time.Now().UTC().Truncate(time.Second)}
}

// testSubscriptions: put, get, list, update (an error of the update
// changes nothing), delete.
func testSubscriptions(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	if subs, err := db.Subscriptions(ctx); err != nil || len(subs) != 0 {
		t.Errorf("subscriptions of a new archive: %v, %v; want none", subs, err)
	}
	b, a := subscription("sub-b"), subscription("sub-a")
	must(t, "put", db.PutSubscription(ctx, b))
	must(t, "put", db.PutSubscription(ctx, a))
	got, err := db.Subscription(ctx, "sub-b")
	must(t, "get", err)
	if asJSON(t, got) != asJSON(t, b) {
		t.Errorf("subscription = %s\nwant %s", asJSON(t, got), asJSON(t, b))
	}
	checkSubIDs(t, db, "sub-a", "sub-b")
	up, err := db.UpdateSubscription(ctx, "sub-b", func(s *sppcrawl.Subscription) error { s.Cursor = 7; s.State = sppcrawl.SubPaused; return nil })
	if err != nil || up.Cursor != 7 || up.State != sppcrawl.SubPaused {
		t.Errorf("update: %+v, %v; want cursor 7, paused", up, err)
	}
	refused := errors.New("refused")
	_, err = db.UpdateSubscription(ctx, "sub-b", func(s *sppcrawl.Subscription) error { s.Cursor = 99; return refused })
	if !errors.Is(err, refused) {
		t.Errorf("update that fails: %v, want its error", err)
	}
	if got, err := db.Subscription(ctx, "sub-b"); err != nil || got.Cursor != 7 || got.State != sppcrawl.SubPaused {
		t.Errorf("after a failed update: %+v, %v; want cursor 7 kept", got, err)
	}
	_, err = db.UpdateSubscription(ctx, "sub-x", func(*sppcrawl.Subscription) error { return nil })
	wantNotFound(t, "update of an unknown subscription", err)
	must(t, "delete", db.DeleteSubscription(ctx, "sub-a"))
	checkSubIDs(t, db, "sub-b")
	_, err = db.Subscription(ctx, "sub-a")
	wantNotFound(t, "a deleted subscription", err)
	wantNotFound(t, "delete twice", db.DeleteSubscription(ctx, "sub-a"))
}

func checkSubIDs(t *testing.T, db sppcrawl.Archive, want ...string) {
	t.Helper()
	subs, err := db.Subscriptions(context.Background())
	must(t, "subscriptions", err)
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("subscriptions %v, want %v (by id)", ids, want)
	}
}

// testDeliveries: a delivery is logged with its outcome on the
// subscription in one step; the log reads newest first, and goes with the
// subscription.
func testDeliveries(t *testing.T, db sppcrawl.Archive) {
	ctx := context.Background()
	must(t, "put", db.PutSubscription(ctx, subscription("sub-a")))
	at := time.Now().UTC().Truncate(time.Second)
	for i, d := range []sppcrawl.Delivery{
		{At: at, First: 1, Last: 3, Events: 3, Status: 503, Duration: time.Second, Error: "HTTP 503"},
		{At: at.Add(time.Minute), First: 1, Last: 3, Events: 3, Status: 204, Duration: time.Second},
	} {
		s, err := db.RecordDelivery(ctx, "sub-a", d, func(s *sppcrawl.Subscription) {
			if d.Status < 300 {
				s.Cursor, s.Delivered = d.Last, s.Delivered+d.Events
			} else {
				s.Attempts++
			}
		})
		if err != nil || s.Attempts != 1 || s.Cursor != []uint64{0, 3}[i] {
			t.Errorf("delivery %d: %+v, %v; want 1 attempt, cursor %d", i, s, err, []uint64{0, 3}[i])
		}
	}
	if s, err := db.Subscription(ctx, "sub-a"); err != nil || s.Cursor != 3 || s.Delivered != 3 {
		t.Errorf("subscription after its deliveries: %+v, %v; want cursor 3, 3 delivered", s, err)
	}
	log, err := db.Deliveries(ctx, "sub-a", 10)
	if err != nil || len(log) != 2 || log[0].Status != 204 || log[1].Error != "HTTP 503" || !log[1].At.Equal(at) {
		t.Errorf("deliveries %+v, %v; want the 204, then the 503", log, err)
	}
	if one, err := db.Deliveries(ctx, "sub-a", 1); err != nil || len(one) != 1 || one[0].Status != 204 {
		t.Errorf("the last delivery: %+v, %v; want the 204", one, err)
	}
	_, err = db.RecordDelivery(ctx, "sub-x", sppcrawl.Delivery{At: at}, func(*sppcrawl.Subscription) {})
	wantNotFound(t, "delivery to an unknown subscription", err)
	must(t, "delete", db.DeleteSubscription(ctx, "sub-a"))
	must(t, "put again", db.PutSubscription(ctx, subscription("sub-a")))
	if log, err := db.Deliveries(ctx, "sub-a", 10); err != nil || len(log) != 0 {
		t.Errorf("deliveries of a subscription deleted and made again: %d, %v; want none", len(log), err)
	}
}
