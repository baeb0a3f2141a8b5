package main

import (
	"context"
	"fmt"
)

// task is one of serve's background loops (the scheduled crawl, the
// deliveries, the index's follower): a goroutine with its own context,
// which only Close cancels, so that serve stops them in its order.
type task struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{}
	after  func() // run once the loop has returned (nil: none)
}

// startTask runs run in a goroutine until Close.
func startTask(name string, run func(context.Context), after func()) *task {
	ctx, cancel := context.WithCancel(context.Background())
	t := &task{name: name, cancel: cancel, done: make(chan struct{}), after: after}
	go func() {
		defer close(t.done)
		run(ctx)
	}()
	return t
}

// Close cancels the task and waits for it to return. Past ctx's end it
// still waits (what it does in flight has timeouts of its own: a page, a
// delivery), for nothing of it may run on a closed archive, and says so.
// A nil task is closed.
func (t *task) Close(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.cancel()
	var err error
	select {
	case <-t.done:
	case <-ctx.Done():
		<-t.done
		err = fmt.Errorf("stop %s: took longer than allowed: %w", t.name, ctx.Err())
	}
	if t.after != nil {
		t.after()
		t.after = nil
	}
	return err
}
