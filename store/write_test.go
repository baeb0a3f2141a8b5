package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

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
	// Hold the writer inside a commit, so the next writes queue up and
	// commit as one group once it is released.
	running, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	held, err := db.enqueue(ctx, func(*bolt.Tx) error {
		once.Do(func() { close(running) })
		<-release
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	<-running
	boom := errors.New("boom")
	var dones []<-chan error
	for range 8 {
		done, err := db.enqueue(ctx, func(tx *bolt.Tx) error {
			_, err := recordFailure(tx, sppcrawl.Failure{URL: "u", Attempts: 1, LastError: "x"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		dones = append(dones, done)
	}
	// The failing write is queued last: the others run before it in the group.
	failing, err := db.enqueue(ctx, func(*bolt.Tx) error { return boom })
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, done := range append(dones, failing) {
		if err := <-done; errors.Is(err, boom) {
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
