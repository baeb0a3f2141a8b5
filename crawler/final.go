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

const (
	ctxFinal = "final" // set on a request of the final pass
	ctxPrior = "prior" // attempts made on the URL before the final pass
)

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
	n := attempts(req.Ctx)
	if req.Ctx.Get(ctxFinal) != "" || r.stopped() || retryAfter > r.c.cfg.RetryMax {
		if req.Ctx.Get(ctxKind) == kindMedia {
			r.mediaMissing(req.Ctx.Get(ctxID), req.Ctx.Get(ctxURL), fmt.Sprintf("%v after %d attempts", err, n+priorAttempts(req.Ctx)))
			return
		}
		r.failure(req.Ctx, u, req.Ctx.Get(ctxChannel), status, err, false)
		return
	}
	r.mu.Lock()
	r.final = append(r.final, &deferred{req: req, url: u, status: status, err: err, notBefore: r.c.cfg.Now().Add(retryAfter)})
	r.mu.Unlock()
	r.c.log.Debug("deferred to the final pass", "url", u, "attempts", n, "err", err.Error())
}

func priorAttempts(ctx *colly.Context) int {
	n, _ := ctx.GetAny(ctxPrior).(int)
	return n
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
		ctx := d.req.Ctx
		if wait := d.notBefore.Sub(r.c.cfg.Now()); wait > 0 && !r.stopped() {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-r.signalled:
			case <-r.aborted:
			}
			t.Stop()
		}
		if r.stopped() {
			r.failure(ctx, d.url, ctx.Get(ctxChannel), d.status, d.err, false)
			continue
		}
		ctx.Put(ctxPrior, attempts(ctx))
		ctx.Put(ctxAttempt, 0)
		ctx.Put(ctxFinal, "1")
		detail := slotted(ctx.Get(ctxKind))
		if detail {
			r.detailsQueued.Add(1)
			r.slots <- struct{}{}
		}
		if err := d.req.Retry(); err != nil {
			if detail {
				r.detailFinished()
			}
			r.failure(ctx, d.url, ctx.Get(ctxChannel), d.status, err, false)
		}
	}
	r.col.Wait()
}

// recovered counts a page that came through in the final pass.
func (r *run) recovered(ctx *colly.Context) {
	if ctx.Get(ctxFinal) != "" {
		r.mu.Lock()
		r.sum.Recovered++
		r.mu.Unlock()
	}
}
