package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
)

// Close cancels the task and returns only once it has returned and its
// clean-up has run; past its deadline it still waits, and says so.
func TestTask_Close(t *testing.T) {
	for _, expired := range []bool{false, true} {
		var order []string
		var running atomic.Bool
		release := make(chan struct{})
		tk := startTask("a loop", func(ctx context.Context) {
			running.Store(true)
			<-ctx.Done()
			<-release // what it finishes after the cancel
			order = append(order, "returned")
			running.Store(false)
		}, func() { order = append(order, "after") })
		ctx, cancel := context.WithCancel(context.Background())
		if expired {
			cancel()
		}
		go close(release) // before or after Close's deadline is seen
		err := tk.Close(ctx)
		cancel()
		if running.Load() || len(order) != 2 || order[0] != "returned" || order[1] != "after" {
			t.Errorf("expired %v: after Close: running %v, %v", expired, running.Load(), order)
		}
		if (!expired && err != nil) || (err != nil && !strings.Contains(err.Error(), "stop a loop")) {
			t.Errorf("expired %v: Close: %v", expired, err)
		}
		if err := tk.Close(context.Background()); err != nil || len(order) != 2 {
			t.Errorf("a second Close: %v, %v", err, order)
		}
	}
}
