package crawler

import (
	"fmt"
	"time"

	"sppcrawl"
)

// disallowed logs a URL that robots.txt forbids. Worth a warning: rules that
// forbid everything would otherwise look like an empty site.
func (r *run) disallowed(u string) {
	r.c.log.Warn("robots.txt disallows it, skipped (--ignore-robots to override)", "url", u)
}

// known: stored, or recorded as failing and not yet due (it is retried from
// the failure log when due, not from every list that shows it).
func (r *run) known(u string) (bool, error) {
	ok, err := r.c.articles.HasURL(r.ctx, u)
	if err != nil || ok {
		return ok, err
	}
	f, found, err := r.c.ledger.Failure(r.ctx, u)
	if err != nil || !found {
		return false, err
	}
	return f.Gone || f.NextRetry.After(r.sum.Started), nil
}

// clearFailure forgets an earlier failure of a page now fetched; the read
// first spares a write (and its fsync) in the common case of none.
func (r *run) clearFailure(u string) {
	_, found, err := r.c.ledger.Failure(r.ctx, u)
	if err == nil && found {
		err = r.c.ledger.ClearFailure(r.ctx, u)
	}
	if err != nil {
		r.fail(err)
	}
}

// failure records a page that could not be used, with the attempts made on
// it in this run (in holds them; nil for a request colly refused). gone
// pages (404/410, not an article, too big) are never retried; others wait
// for a later run.
func (r *run) failure(in *reqInfo, u string, status int, err error, gone bool) {
	if in == nil {
		in = &reqInfo{kind: kindDetail}
	}
	if in.kind == kindMedia {
		// Refused for good (an off-site redirect…) unless the run stopped
		// before the file was asked for: then it stays due.
		r.mediaMissing(in, err.Error(), gone || !r.stopped())
		return
	}
	if gone && in.kind != kindList && r.goneArticle(in, u, status, err) {
		return
	}
	if in.kind == kindList {
		r.listFailed(in.channel, in.chain)
	}
	now := r.c.cfg.Now()
	f := sppcrawl.Failure{URL: u, Channel: in.channel, Attempts: in.attempts() + in.prior, Status: status,
		LastError: err.Error(), LastTry: now, Gone: gone}
	if !gone {
		prev, _, perr := r.c.ledger.Failure(r.ctx, u)
		if perr != nil {
			r.fail(perr)
			return
		}
		f.NextRetry = now.Add(r.c.retryWait(prev.Attempts))
	}
	if _, serr := r.c.ledger.RecordFailure(r.ctx, f); serr != nil {
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
	r.settled(in)
	r.c.log.Warn("page failed", "url", u, "status", status, "gone", gone, "err", err.Error())
}

// retryWait is how long the failure log waits before a later run retries a
// URL with the attempts given: runs back off too, 5 min after the first
// failing run (so the next run of a 10-minute cron retries it), doubling up
// to a day. A run spends up to two rounds of attempts (the walk, the final
// pass).
func (c *Crawler) retryWait(attempts int) time.Duration {
	wait := 5 * time.Minute << min(attempts/(2*c.cfg.MaxAttempts), 9)
	return min(wait, 24*time.Hour)
}

// goneArticle handles a gone answer for a stored article, which is no
// failure: the site withdrew it, if a later run agrees. It reports whether
// u was a stored article.
func (r *run) goneArticle(in *reqInfo, u string, status int, why error) bool {
	stored, err := r.c.articles.HasURL(r.ctx, u)
	switch {
	case err != nil:
		r.fail(err)
		return true
	case !stored:
		return false
	}
	r.withdraw(u, status, why)
	r.settled(in)
	return true
}

// listFailed ends a chain of a channel's list pages short: a page of it
// failed. The old validators are kept (the next run must not trust a 304),
// and an unfinished walk stays in the archive, to be resumed.
func (r *run) listFailed(channel string, ch chain) {
	cr := r.chanOf(channel)
	r.mu.Lock()
	cr.failed = true
	r.mu.Unlock()
	r.chainEnded(cr, ch, false, false)
}

// withdraw records that u, a stored article, answered gone in this run (two
// runs agreeing withdraw it, see sppcrawl.RecheckStore).
func (r *run) withdraw(u string, status int, why error) {
	withdrawn, err := r.c.rechecks.RecordGone(r.ctx, u, r.sum.Started, fmt.Sprintf("HTTP %d: %v", status, why))
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
