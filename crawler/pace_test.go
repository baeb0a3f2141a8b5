package crawler

import (
	"testing"
	"time"
)

// Starts booked at one instant come one interval plus up to half an
// interval of jitter apart, each after the one before; the first goes at
// once. The clock is the reservations', so nothing here sleeps.
func TestPacer_Schedule(t *testing.T) {
	const delay, parallel = 4 * time.Second, 4
	interval := delay / parallel
	p := newPacer(delay, parallel)
	now := time.Now()
	prev := p.reserve(now)
	if prev != 0 {
		t.Fatalf("first start in %v, want at once", prev)
	}
	for i := range 50 {
		d := p.reserve(now)
		if gap := d - prev; gap < interval || gap > interval*3/2+time.Microsecond {
			t.Fatalf("start %d: %v after the one before, want %v to %v", i+2, gap, interval, interval*3/2)
		}
		prev = d
	}
}

// After an idle spell one start goes at once, and no more: the bucket holds
// no burst.
func TestPacer_IdleEarnsOneStart(t *testing.T) {
	p := newPacer(time.Second, 1)
	now := time.Now()
	p.reserve(now)
	later := now.Add(time.Hour)
	if d := p.reserve(later); d != 0 {
		t.Fatalf("after an idle hour: %v, want at once", d)
	}
	if d := p.reserve(later); d < time.Second {
		t.Fatalf("second start after the idle hour in %v, want at least %v", d, time.Second)
	}
}

// A wait ends as soon as the run stops, however long the pace.
func TestPacer_StopEndsWait(t *testing.T) {
	p := newPacer(time.Hour, 1)
	if !p.wait() {
		t.Fatal("the first start waited")
	}
	never := make(chan struct{})
	stopped := make(chan struct{})
	close(stopped)
	if p.wait(never, stopped) {
		t.Error("wait reported a start, want the stop")
	}
	if p.wait(stopped) {
		t.Error("wait on the first channel reported a start, want the stop")
	}
	var none *pacer
	if !none.wait(stopped) || !newPacer(0, 4).wait(stopped) {
		t.Error("no pace should never wait")
	}
}
