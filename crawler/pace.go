package crawler

import (
	"math/rand/v2"
	"sync"
	"time"
)

// pacer spaces the starts of a run's requests: one every interval, plus up
// to half again of random jitter. colly's own delay sleeps in each request's
// goroutine after its answer, holding a connection slot meanwhile, so a
// stopping run would wait out every queued request's delay (23 s at the
// default, minutes under a robots.txt Crawl-delay); a pacer's wait ends at
// once when the run stops.
type pacer struct {
	mu       sync.Mutex
	next     time.Time
	interval time.Duration
}

// newPacer paces requests so that parallel slots each pause delay between
// requests, on average, as colly's delay would.
func newPacer(delay time.Duration, parallel int) *pacer {
	return &pacer{interval: delay / time.Duration(max(parallel, 1))}
}

// wait blocks until the next request may start and reports true, or reports
// false as soon as one of stop closes.
func (p *pacer) wait(stop ...<-chan struct{}) bool {
	if p == nil || p.interval <= 0 {
		return true
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval + rand.N(p.interval/2+1))
	p.mu.Unlock()
	d := at.Sub(now)
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var s1, s2 <-chan struct{}
	if len(stop) > 0 {
		s1 = stop[0]
	}
	if len(stop) > 1 {
		s2 = stop[1]
	}
	select {
	case <-t.C:
		return true
	case <-s1:
	case <-s2:
	}
	return false
}
