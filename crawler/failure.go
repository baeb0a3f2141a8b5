package crawler

import (
	"errors"
	"fmt"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

// disallowed logs a URL that robots.txt forbids. Worth a warning: rules that
// forbid everything would otherwise look like an empty site.
func (r *run) disallowed(u string) {
	r.c.log.Warn("robots.txt disallows it, skipped (--ignore-robots to override)", "url", u)
}

// requestRefused handles a request colly would not make (a URL already
// visited in this run, or a malformed one).
func (r *run) requestRefused(u, channel string, err error) {
	var visited *colly.AlreadyVisitedError
	if !errors.As(err, &visited) {
		r.failure(nil, u, channel, 0, err, false)
	}
}

// known: stored, or recorded as failing and not yet due (it is retried from
// the failure log when due, not from every list that shows it).
func (r *run) known(u string) (bool, error) {
	ok, err := r.c.sink.HasURL(r.ctx, u)
	if err != nil || ok {
		return ok, err
	}
	f, found, err := r.c.sink.Failure(r.ctx, u)
	if err != nil || !found {
		return false, err
	}
	return f.Gone || f.NextRetry.After(r.sum.Started), nil
}

// clearFailure forgets an earlier failure of a page now fetched; the read
// first spares a write (and its fsync) in the common case of none.
func (r *run) clearFailure(u string) {
	if _, found, err := r.c.sink.Failure(r.ctx, u); err == nil && found {
		if err := r.c.sink.ClearFailure(r.ctx, u); err != nil {
			r.fail(err)
		}
	}
}

// failure records a page that could not be used, with the attempts made on
// it in this run (from its request context, when there is one). gone pages
// (404/410, not an article, too big) are never retried; others wait for a
// later run.
func (r *run) failure(ctx *colly.Context, u, channel string, status int, err error, gone bool) {
	if ctx != nil && ctx.Get(ctxKind) == kindMedia {
		r.mediaMissing(ctx.Get(ctxID), ctx.Get(ctxURL), err.Error())
		return
	}
	if gone && (ctx == nil || ctx.Get(ctxKind) != kindList) {
		// A stored article is not a failure when gone: the site withdrew it,
		// if a later run agrees.
		switch stored, serr := r.c.sink.HasURL(r.ctx, u); {
		case serr != nil:
			r.fail(serr)
			return
		case stored:
			r.withdraw(u, status, err)
			if ctx != nil {
				r.settled(ctx)
			}
			return
		}
	}
	now := r.c.cfg.Now()
	n := 1
	if ctx != nil {
		n = attempts(ctx) + priorAttempts(ctx)
		if ctx.Get(ctxKind) == kindList {
			r.listFailed(channel, ctx.Get(ctxChain))
		}
	}
	f := extract.Failure{URL: u, Channel: channel, Attempts: n, Status: status,
		LastError: err.Error(), LastTry: now, Gone: gone}
	if !gone {
		// Runs back off too: 5 min after the first failing run (so the next
		// run of a 10-minute cron retries it), doubling up to a day. A run
		// spends up to two rounds of attempts (the walk, the final pass).
		prev, _, _ := r.c.sink.Failure(r.ctx, u)
		wait := 5 * time.Minute << min(prev.Attempts/(2*r.c.cfg.MaxAttempts), 9)
		f.NextRetry = now.Add(min(wait, 24*time.Hour))
	}
	if _, serr := r.c.sink.RecordFailure(r.ctx, f); serr != nil {
		r.fail(serr)
		return
	}
	r.mu.Lock()
	if gone {
		r.sum.Gone++
	} else {
		r.sum.Failures++
	}
	r.mu.Unlock()
	if ctx != nil {
		r.settled(ctx)
	}
	r.c.log.Warn("page failed", "url", u, "status", status, "gone", gone, "err", err.Error())
}

// listFailed ends a chain of a channel's list pages short: a page of it
// failed. The old validators are kept (the next run must not trust a 304),
// and an unfinished walk stays in the archive, to be resumed.
func (r *run) listFailed(channel, chain string) {
	cr := r.chanOf(channel)
	r.mu.Lock()
	cr.failed = true
	r.mu.Unlock()
	r.chainEnded(cr, chain, false, false)
}

// withdraw records that u, a stored article, answered gone in this run (two
// runs agreeing withdraw it, see store.DB.Gone).
func (r *run) withdraw(u string, status int, why error) {
	withdrawn, err := r.c.sink.Gone(r.ctx, u, r.sum.Started, fmt.Sprintf("HTTP %d: %v", status, why))
	if err != nil {
		r.fail(err)
		return
	}
	if !withdrawn {
		r.c.log.Warn("a stored article answers gone: it is withdrawn if the next run agrees", "url", u, "status", status, "err", why.Error())
		return
	}
	r.mu.Lock()
	r.sum.Withdrawn++
	r.mu.Unlock()
	r.c.log.Warn("article withdrawn by the site: marked withdrawn_at, its content kept", "url", u, "status", status)
}
