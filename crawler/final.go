package crawler

import (
	"fmt"
	"slices"
	"time"

	"github.com/gocolly/colly/v2"
)

// The final pass: a URL whose attempts were all spent on transient errors
// (5xx, 429, timeouts, resets) gets one more round of attempts at the end of
// the run, after the walk and every other page, instead of waiting minutes
// for the failure log's retry. With faults on one request in ten, four bad
// answers in a row happen to one URL in 10,000: on a backfill of the whole
// site, a few per run. Permanent answers (404, not an article, off-site, a
// challenge) never get one.

// deferred is a request waiting for the final pass.
type deferred struct {
	req       *colly.Request
	url       string
	status    int
	err       error
	notBefore time.Time // Retry-After of the last answer
}

// transient handles a request whose attempts this round are spent on
// transient errors: in the walk it waits for the final pass; in the final
// pass, or when the run is stopping, or when the site asked for a longer
// pause than a run waits, it goes to the failure log.
func (r *run) transient(req *colly.Request, u string, status int, err error, retryAfter time.Duration) {
	in := infoOf(req.Ctx)
	if in.final || r.stopped() || retryAfter > r.c.cfg.RetryMax {
		if in.kind == kindMedia {
			r.mediaMissing(in, fmt.Sprintf("%v after %d attempts", err, in.attempts()+in.prior), false)
			return
		}
		r.failure(in, u, status, err, false)
		return
	}
	r.mu.Lock()
	r.final = append(r.final, &deferred{req: req, url: u, status: status, err: err, notBefore: r.c.cfg.Now().Add(retryAfter)})
	r.mu.Unlock()
	r.c.log.Debug("deferred to the final pass", "url", u, "attempts", in.attempts(), "err", err.Error())
}

// finalPass sends every deferred request once more, with a fresh round of
// attempts, honouring its Retry-After; the run's delay applies as to every
// request. A stopping run skips it: the requests go to the failure log.
func (r *run) finalPass() {
	r.mu.Lock()
	list := r.final
	r.final = nil
	r.mu.Unlock()
	if len(list) == 0 {
		return
	}
	slices.SortFunc(list, func(a, b *deferred) int { return a.notBefore.Compare(b.notBefore) })
	r.c.log.Info("final pass: retrying what failed on transient errors", "urls", len(list))
	for _, d := range list {
		in := infoOf(d.req.Ctx)
		r.waitUntil(d.notBefore)
		if r.stopped() {
			r.failure(in, d.url, d.status, d.err, false)
			continue
		}
		in.prior, in.attempt, in.final = in.attempts(), 0, true
		if err := r.holdSlot(in.kind, d.req.Retry); err != nil {
			r.failure(in, d.url, d.status, err, false)
		}
	}
	r.col.Wait()
}

// waitUntil waits until t, or until the run stops.
func (r *run) waitUntil(t time.Time) {
	wait := t.Sub(r.c.cfg.Now())
	if wait <= 0 || r.stopped() {
		return
	}
	tm := time.NewTimer(wait)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-r.signalled:
	case <-r.aborted:
	}
}

// recovered counts a page that came through in the final pass.
func (r *run) recovered(in *reqInfo) {
	if in.final {
		r.mu.Lock()
		r.sum.Recovered++
		r.mu.Unlock()
	}
}
