package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// A failing write in a group fails alone: the others are retried one by one
// and each takes effect exactly once.
func TestWrite_GroupFailureIsolated(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// Hold the writer so the next writes queue up and commit as one group.
	release := make(chan struct{})
	go db.write(ctx, func(*bolt.Tx) error { <-release; return nil })
	time.Sleep(20 * time.Millisecond)

	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 8 {
		wg.Go(func() {
			_, err := db.RecordFailure(ctx, sppcrawl.Failure{URL: "u", Attempts: 1, LastError: "x"})
			errs <- err
		})
	}
	time.Sleep(20 * time.Millisecond) // the failing write queues last: the others have run in the group
	wg.Go(func() { errs <- db.write(ctx, func(*bolt.Tx) error { return boom }) })
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Errorf("unexpected error %v", err)
		}
	}
	if failed != 1 {
		t.Errorf("%d writes failed, want only the failing one", failed)
	}
	f, ok, _ := db.Failure(ctx, "u")
	if !ok || f.Attempts != 8 {
		t.Errorf("attempts = %d, want 8 (each write once)", f.Attempts)
	}
}
