package sppcrawl

import "sync"

// Wakeups hands out wake-up channels and signals them all: one pending
// signal per channel coalesces any number, so a slow follower never holds
// up whoever signals; it reads what changed from the archive itself. Every
// backend's Notifier is built on it. The zero value is ready.
type Wakeups struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// Subscribe returns a channel that receives after each Signal (coalesced),
// and the func that stops it.
func (w *Wakeups) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	if w.subs == nil {
		w.subs = map[chan struct{}]struct{}{}
	}
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// Signal wakes every subscriber; one pending signal each at most.
func (w *Wakeups) Signal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
