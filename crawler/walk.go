package crawler

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

func (r *run) onRequest(req *colly.Request) {
	if r.stopped() {
		req.Abort()
		if req.Ctx.Get(ctxKind) == kindDetail {
			r.detailFinished() // an aborted request gets no callback
		}
	}
}

func (r *run) visitList(channel string, page int) {
	if r.stopped() {
		return
	}
	cr := r.chans[channel]
	u := extract.ListPageURL(channel, page)
	if !r.robots.allowed(u) {
		r.disallowed(u)
		r.listFailed(channel)
		return
	}
	ctx := colly.NewContext()
	ctx.Put(ctxKind, kindList)
	ctx.Put(ctxChannel, channel)
	ctx.Put(ctxPage, page)
	hdr := http.Header{}
	if page == 1 && !r.c.cfg.Full && !r.c.cfg.Refresh && cr != nil {
		if cr.state.ETag != "" {
			hdr.Set("If-None-Match", cr.state.ETag)
		}
		if cr.state.LastModified != "" {
			hdr.Set("If-Modified-Since", cr.state.LastModified)
		}
	}
	if err := r.col.Request(http.MethodGet, u, nil, ctx, hdr); err != nil {
		r.requestRefused(u, channel, err)
		r.listFailed(channel)
	}
}

// claim reports whether u is fetched for the first time in this run, and
// from now on it is not.
func (r *run) claim(u string) bool {
	h := fnv.New64a()
	h.Write([]byte(u))
	key := h.Sum64()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.queued[key]; dup {
		return false
	}
	r.queued[key] = struct{}{}
	return true
}

func (r *run) queueDetail(u, channel string) {
	if !r.claim(u) || r.stopped() {
		return
	}
	if !r.robots.allowed(u) {
		r.disallowed(u)
		return
	}
	ctx := colly.NewContext()
	ctx.Put(ctxKind, kindDetail)
	ctx.Put(ctxChannel, channel)
	r.detailsQueued.Add(1)
	r.slots <- struct{}{} // waits while the queue is full (called from list callbacks)
	if err := r.col.Request(http.MethodGet, u, nil, ctx, nil); err != nil {
		r.detailFinished()
		r.requestRefused(u, channel, err)
	}
}

func (r *run) onResponse(resp *colly.Response) {
	retried := r.handle(resp)
	if retried {
		return
	}
	if resp.Ctx.Get(ctxKind) == kindDetail {
		r.detailFinished()
	}
}

// handle deals with one response and reports whether it was scheduled again.
func (r *run) handle(resp *colly.Response) (retried bool) {
	kind, channel := resp.Ctx.Get(ctxKind), resp.Ctx.Get(ctxChannel)
	u, err := r.c.canonicalOf(resp.Request.URL)
	if err != nil {
		r.failure(resp.Ctx, resp.Request.URL.String(), channel, resp.StatusCode, err, true)
		return false
	}
	status := resp.StatusCode
	if status != http.StatusOK && extract.IsChallenge(resp.Body, resp.Headers.Get("Content-Type")) {
		r.blocked(u)
		return false
	}
	switch {
	case status == http.StatusNotModified && kind == kindList:
		r.listNotModified(resp)
	case status == http.StatusNotModified && resp.Ctx.Get(ctxRecheck) != "":
		r.confirmed(u)
	case status >= 200 && status < 300:
		if kind == kindList {
			return r.list(resp, u)
		}
		return r.detail(resp, u)
	case status == http.StatusNotFound || status == http.StatusGone:
		r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d", status), true)
	case status == http.StatusTooManyRequests || status >= 500:
		after := retryAfter(resp.Headers, r.c.cfg.Now())
		if r.retry(resp.Request, after) {
			return true
		}
		r.transient(resp.Request, u, status, fmt.Errorf("HTTP %d", status), after)
	default:
		r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d", status), false)
	}
	return false
}

func (r *run) onError(resp *colly.Response, err error) {
	kind := resp.Ctx.Get(ctxKind)
	channel := resp.Ctx.Get(ctxChannel)
	u := resp.Request.URL.String()
	if cu, cerr := r.c.canonicalOf(resp.Request.URL); cerr == nil {
		u = cu
	}
	if r.fatal.Load() != nil || errors.Is(err, colly.ErrAbortedBeforeRequest) {
		// The run is stopping: not a failure of the page.
		if kind == kindDetail {
			r.detailFinished()
		}
		return
	}
	retryable := retryableErr(err)
	if retryable && r.retry(resp.Request, 0) {
		return
	}
	if kind == kindDetail {
		r.detailFinished()
	}
	if retryable {
		r.transient(resp.Request, u, resp.StatusCode, err, 0)
	} else {
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, false)
	}
}

func attempts(ctx *colly.Context) int {
	n, _ := ctx.GetAny(ctxAttempt).(int)
	return n + 1
}

// retry schedules req again after a backoff (see Crawler.retryLater); a
// stopping run retries nothing.
func (r *run) retry(req *colly.Request, after time.Duration) bool {
	return !r.stopped() && r.c.retryLater(req, after, r.signalled, r.aborted)
}

func (r *run) blocked(u string) {
	r.c.log.Error("anti-bot challenge page: stopping the run, nothing more is stored", "url", u)
	r.fail(fmt.Errorf("%s: %w", u, ErrBlocked))
}

func (r *run) listNotModified(resp *colly.Response) {
	r.listPages.Add(1)
	r.mu.Lock()
	cr := r.chans[resp.Ctx.Get(ctxChannel)]
	cr.etag, cr.lm = cr.state.ETag, cr.state.LastModified
	cr.walked = true
	r.mu.Unlock()
}

// list handles a list page answered 2xx and reports whether it was
// scheduled again.
func (r *run) list(resp *colly.Response, u string) (retried bool) {
	channel := resp.Ctx.Get(ctxChannel)
	var l *extract.List
	err := r.c.tooBig(resp)
	if err == nil {
		l, err = extract.ParseList(resp.Body, u, resp.Headers.Get("Content-Type"))
	}
	switch {
	case errors.Is(err, extract.ErrChallenge):
		r.blocked(u)
		return false
	case errors.Is(err, extract.ErrIncomplete):
		return r.incomplete(resp, u, err)
	}
	r.listPages.Add(1)
	r.mu.Lock()
	cr := r.chans[channel]
	r.mu.Unlock()
	if err != nil {
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, false)
		return false
	}
	page, _ := resp.Ctx.GetAny(ctxPage).(int)
	if page == 1 {
		r.mu.Lock()
		cr.etag, cr.lm = resp.Headers.Get("ETag"), resp.Headers.Get("Last-Modified")
		cr.state.PageCount, cr.state.Total = l.PageCount, l.Total
		r.listedTotal.Add(int64(l.Total))
		if len(l.Items) > 0 {
			cr.state.NewestURL, cr.state.NewestDate = l.Items[0].URL, l.Items[0].Date
		}
		r.mu.Unlock()
	}
	r.clearFailure(u)
	r.recovered(resp.Ctx)
	unseen, old := 0, false
	for _, it := range l.Items {
		if !extract.IsDetailURL(it.URL) {
			continue
		}
		if !r.since.IsZero() && !it.Date.IsZero() && it.Date.Before(r.since) {
			old = true
			continue
		}
		known, err := r.known(it.URL)
		if err != nil {
			r.fail(err)
			return false
		}
		if !known {
			unseen++
		}
		if !known || r.c.cfg.Refresh {
			r.queueDetail(it.URL, channel)
		}
	}
	next := page + 1
	more := next <= l.PageCount && !old && (r.c.cfg.MaxPages == 0 || next <= r.c.cfg.MaxPages)
	if !r.c.cfg.Full && unseen == 0 {
		more = false // incremental: a page with nothing new ends the walk
	}
	if more {
		r.visitList(channel, next)
		return false
	}
	r.mu.Lock()
	cr.walked = true
	r.mu.Unlock()
	return false
}

// detail handles an article page answered 2xx and reports whether it was
// scheduled again.
func (r *run) detail(resp *colly.Response, u string) (retried bool) {
	channel := resp.Ctx.Get(ctxChannel)
	a, raw, gone, err := r.c.articleOf(resp, u)
	switch {
	case errors.Is(err, extract.ErrChallenge):
		r.blocked(u)
		return false
	case errors.Is(err, extract.ErrIncomplete):
		return r.incomplete(resp, u, err)
	case err != nil:
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, gone)
		return false
	}
	if r.fatal.Load() != nil {
		return false // a challenge elsewhere: store nothing more
	}
	res, err := r.c.sink.Upsert(r.ctx, a, raw)
	if err != nil {
		r.c.log.Error("store failed: stopping the run", "url", u, "err", err)
		r.fail(err)
		return false
	}
	r.count(res.Outcome)
	r.c.log.Debug("stored", "url", u, "id", res.ID, "outcome", res.Outcome.String(), "seq", res.Seq)
	r.clearFailure(u)
	r.recovered(resp.Ctx)
	return false
}

// incomplete handles a page cut short (a dropped close-delimited answer):
// like a reset, it is retried, then given the final pass; never stored, never
// taken for gone.
func (r *run) incomplete(resp *colly.Response, u string, err error) (retried bool) {
	if r.retry(resp.Request, 0) {
		return true
	}
	r.transient(resp.Request, u, resp.StatusCode, err, 0)
	return false
}

// count adds an upsert's outcome to the summary.
func (r *run) count(o extract.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch o {
	case extract.Created:
		r.sum.Created++
	case extract.Updated:
		r.sum.Updated++
	case extract.Unchanged:
		r.sum.Unchanged++
	case extract.Aliased:
		r.sum.Aliased++
	case extract.Restored:
		r.sum.Restored++
	}
}
