package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// Copies read beside a writer that commits all the while are each one
// commit of it, whole: every subscription written before a copy began is
// in it, each as it was written, never fewer than the copy before.
func TestReadBeside_WhileWriting(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 20)
	ctx := context.Background()
	put := func(i int) error {
		return db.PutSubscription(ctx, sppcrawl.Subscription{ID: fmt.Sprintf("sub_%06d", i), Kind: sppcrawl.KindWebhook,
			URL: "https://example.org/" + strings.Repeat("x", i%500), State: sppcrawl.SubActive, Cursor: uint64(i)})
	}
	var mu sync.Mutex
	written := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := put(i); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			written = i + 1
			mu.Unlock()
		}
	})
	last := 0
	for range 20 {
		mu.Lock()
		before := written
		mu.Unlock()
		snap, err := store.ReadSubscriptionsBeside(ctx, path, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		subs, err := snap.Subscriptions(ctx)
		snap.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) < before || len(subs) < last {
			t.Fatalf("a copy holds %d subscriptions; %d were written before it began, the copy before held %d", len(subs), before, last)
		}
		for i, s := range subs {
			if want := fmt.Sprintf("sub_%06d", i); s.ID != want || s.Cursor != uint64(i) || len(s.URL) != len("https://example.org/")+i%500 {
				t.Fatalf("subscription %d of a copy: %s cursor %d, want %s as written", i, s.ID, s.Cursor, want)
			}
		}
		last = len(subs)
	}
	close(stop)
	wg.Wait()
	if last == 0 {
		t.Error("no copy held a subscription")
	}
}

// A copy is removed when it is closed; the archive's own reads are not
// in it.
func TestReadBeside_Copy(t *testing.T) {
	db, path := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 5)
	ctx := context.Background()
	if err := db.PutSubscription(ctx, sppcrawl.Subscription{ID: "sub_1", State: sppcrawl.SubActive}); err != nil {
		t.Fatal(err)
	}
	snap, err := store.ReadSubscriptionsBeside(ctx, path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := snap.Events(ctx, 0, 100)
	if err != nil || len(evs) != 5 {
		t.Errorf("events of the copy: %d, %v; want the 5 recorded", len(evs), err)
	}
	if _, err := snap.Get(ctx, testarchive.Article(0).ID); err == nil {
		t.Errorf("an article read from a copy of the subscriptions")
	}
	snap.Close()
	if _, err := store.Open(snap.Path(), store.Options{ReadOnly: true, MustExist: true}); err == nil {
		t.Errorf("the copy %s is still there after Close", snap.Path())
	}
}
