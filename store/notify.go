package store

import "sync"

// notifier tells subscribers that a commit gave out seqs (the log of
// articles grew): one signal per subscriber coalesces any number of them, so a slow subscriber never
// holds the writer up; it reads what changed from the archive itself.
type notifier struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// Commits returns a channel that receives after each commit of this
// process that gave an article a new seq (coalesced: one pending signal at
// most), and the func that stops it; a delivery's own commit, or a crawl's
// bookkeeping, wakes nobody. It lets the search index and push deliveries follow the seq log as it
// grows, woken by an event rather than polling.
func (db *DB) Commits() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n := &db.notify
	n.mu.Lock()
	if n.subs == nil {
		n.subs = map[chan struct{}]struct{}{}
	}
	n.subs[ch] = struct{}{}
	n.mu.Unlock()
	return ch, func() {
		n.mu.Lock()
		delete(n.subs, ch)
		n.mu.Unlock()
	}
}

func (n *notifier) signal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
