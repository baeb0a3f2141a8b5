package crawler

import (
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer spaces the starts of a run's requests: one every interval, plus up
// to half again of random jitter. colly's own delay sleeps in each request's
// goroutine after its answer, holding a connection slot meanwhile, so a
// stopping run would wait out every queued request's delay (23 s at the
// default, minutes under a robots.txt Crawl-delay); a pacer's wait ends at
// once when the run stops.
//
// The schedule is x/time/rate's token bucket counted in microseconds: a
// start takes an interval's worth, which is all the bucket holds (an idle
// spell earns one immediate start, no burst), and its jitter is reserved
// right after it, so the jitter delays the next start rather than this one.
// The waiting is the pacer's own: Limiter.Wait takes one context, and a run
// stops on either of two channels.
type pacer struct {
	mu       sync.Mutex // keeps a start and its jitter together
	lim      *rate.Limiter
	interval int // µs
	// claim, when set, books each start through the archive (shared by
	// processes crawling one host) instead of the schedule above.
	claim func() (time.Duration, error)
}

// gap is the pause between starts the pacer keeps, before jitter.
func (p *pacer) gap() time.Duration { return time.Duration(p.interval) * time.Microsecond }

// newPacer paces requests so that parallel slots each pause delay between
// requests, on average, as colly's delay would.
func newPacer(delay time.Duration, parallel int) *pacer {
	us := int(delay / time.Duration(max(parallel, 1)) / time.Microsecond)
	return &pacer{lim: rate.NewLimiter(rate.Limit(time.Second/time.Microsecond), us), interval: us}
}

// reserve books the next start and returns how long after now it is.
func (p *pacer) reserve(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.lim.ReserveN(now, p.interval)
	p.lim.ReserveN(now, rand.N(p.interval/2+1)) // at most the burst: always granted
	return r.DelayFrom(now)
}

// wait blocks until the next request may start and reports true, or reports
// false as soon as one of stop closes.
func (p *pacer) wait(stop ...<-chan struct{}) bool {
	if p == nil || p.interval <= 0 {
		return true
	}
	d := p.reserve(time.Now())
	if p.claim != nil {
		// The shared booking replaces this process's schedule; should the
		// archive fail, its own schedule still keeps this process polite.
		if shared, err := p.claim(); err == nil {
			d = shared
		}
	}
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
