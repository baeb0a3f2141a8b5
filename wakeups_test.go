package sppcrawl_test

import (
	"testing"

	"sppcrawl"
)

// Signals coalesce into one pending wake-up per subscriber, and a stopped
// subscriber gets none.
func TestWakeups(t *testing.T) {
	var w sppcrawl.Wakeups
	a, stopA := w.Subscribe()
	b, stopB := w.Subscribe()
	stopB()
	w.Signal()
	w.Signal()
	if got := len(a); got != 1 {
		t.Errorf("pending wake-ups after two signals: %d, want 1", got)
	}
	if got := len(b); got != 0 {
		t.Errorf("a stopped subscriber has %d wake-ups", got)
	}
	<-a
	stopA()
	w.Signal()
	if len(a) != 0 {
		t.Error("a stopped subscriber was woken")
	}
}
