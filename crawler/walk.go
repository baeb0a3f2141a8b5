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
	if r.stopped() || !r.pace.wait(r.signalled, r.aborted) {
		req.Abort()
		if slotted(req.Ctx.Get(ctxKind)) {
			r.detailFinished() // an aborted request gets no callback
		}
	}
}

// slotted: the kinds of request that hold one of the run's queue slots.
func slotted(kind string) bool { return kind == kindDetail || kind == kindMedia }

// visitList requests page of channel's list, as part of chain (news or
// walk).
func (r *run) visitList(channel string, page int, chain string) {
	cr := r.chanOf(channel)
	if r.stopped() {
		return
	}
	u := extract.ListPageURL(channel, page)
	if !r.robots.allowed(u) {
		r.disallowed(u)
		r.listFailed(channel, chain)
		return
	}
	ctx := colly.NewContext()
	ctx.Put(ctxKind, kindList)
	ctx.Put(ctxChannel, channel)
	ctx.Put(ctxPage, page)
	ctx.Put(ctxChain, chain)
	hdr := http.Header{}
	// Page 1 of the news chain asks whether anything changed since a walk
	// that ran to its end: a 304 means no news.
	if page == 1 && chain == chainNews && !r.c.cfg.Refresh {
		if cr.state.ETag != "" {
			hdr.Set("If-None-Match", cr.state.ETag)
		}
		if cr.state.LastModified != "" {
			hdr.Set("If-Modified-Since", cr.state.LastModified)
		}
	}
	if err := r.col.Request(http.MethodGet, u, nil, ctx, hdr); err != nil {
		var visited *colly.AlreadyVisitedError
		if !errors.As(err, &visited) {
			r.failure(ctx, u, channel, 0, err, false)
		}
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

// queueDetail requests an article page listed on page of the walk chain
// (0: not from the walk) and reports whether it was queued.
func (r *run) queueDetail(u, channel string, page int) bool {
	if !r.claim(u) || r.stopped() {
		return false
	}
	if !r.robots.allowed(u) {
		r.disallowed(u)
		return false
	}
	ctx := colly.NewContext()
	ctx.Put(ctxKind, kindDetail)
	ctx.Put(ctxChannel, channel)
	if page > 0 {
		ctx.Put(ctxListPos, page)
	}
	r.detailsQueued.Add(1)
	r.slots <- struct{}{} // waits while the queue is full (called from list callbacks)
	if err := r.col.Request(http.MethodGet, u, nil, ctx, nil); err != nil {
		r.detailFinished()
		r.requestRefused(u, channel, err)
		return false
	}
	return true
}

func (r *run) onResponse(resp *colly.Response) {
	retried := r.handle(resp)
	if retried {
		return
	}
	if slotted(resp.Ctx.Get(ctxKind)) {
		r.detailFinished()
	}
}

// handle deals with one response and reports whether it was scheduled again.
func (r *run) handle(resp *colly.Response) (retried bool) {
	kind, channel := resp.Ctx.Get(ctxKind), resp.Ctx.Get(ctxChannel)
	if kind == kindMedia {
		return r.mediaFile(resp)
	}
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
	case (status == http.StatusNotFound || status == http.StatusGone) && kind == kindList:
		r.listPages.Add(1)
		cr := r.chanOf(channel)
		if page, _ := resp.Ctx.GetAny(ctxPage).(int); page == 1 {
			r.indexGone(cr, u, status, resp.Body, "")
			r.listFailed(channel, resp.Ctx.Get(ctxChain))
		} else {
			r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d", status), false)
		}
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
	if kind == kindMedia {
		u = resp.Ctx.Get(ctxURL)
	}
	if r.fatal.Load() != nil || errors.Is(err, colly.ErrAbortedBeforeRequest) {
		// The run is stopping: not a failure of the page.
		if slotted(kind) {
			r.detailFinished()
		}
		return
	}
	retryable := retryableErr(err)
	if retryable && r.retry(resp.Request, 0) {
		return
	}
	if slotted(kind) {
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
	cr := r.chanOf(resp.Ctx.Get(ctxChannel))
	r.mu.Lock()
	cr.etag, cr.lm = cr.state.ETag, cr.state.LastModified
	total := cr.state.OKTotal
	r.mu.Unlock()
	// The index is as a complete walk saw it, and such a walk saw a list.
	r.setHealth(cr, healthOK, "", total)
	r.newsEnded(cr, true, false)
}

// list handles a list page answered 2xx and reports whether it was
// scheduled again.
func (r *run) list(resp *colly.Response, u string) (retried bool) {
	channel, chain := resp.Ctx.Get(ctxChannel), resp.Ctx.Get(ctxChain)
	page, _ := resp.Ctx.GetAny(ctxPage).(int)
	cr := r.chanOf(channel)
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
	if err != nil && page == 1 && errors.Is(err, extract.ErrNotList) {
		r.indexGone(cr, u, resp.StatusCode, resp.Body, resp.Headers.Get("Content-Type"))
		r.listFailed(channel, chain)
		return false
	}
	if err != nil {
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, false)
		return false
	}
	if page == 1 {
		r.listHealth(cr, l)
		r.mu.Lock()
		cr.etag, cr.lm = resp.Headers.Get("ETag"), resp.Headers.Get("Last-Modified")
		cr.state.PageCount, cr.state.Total = l.PageCount, l.Total
		if l.Channel != "" {
			cr.state.Name = l.Channel
			if cr.ch.Name == "" {
				cr.ch.Name = l.Channel
			}
		}
		if len(l.Items) > 0 {
			cr.state.NewestURL, cr.state.NewestDate = l.Items[0].URL, l.Items[0].Date
		}
		r.mu.Unlock()
		r.listedTotal.Add(int64(l.Total))
	}
	r.clearFailure(u)
	r.recovered(resp.Ctx)
	if len(l.Items) == 0 {
		r.chainEnded(cr, chain, true, false)
		return false
	}

	var since time.Time
	walkPage := 0
	if chain == chainWalk {
		since, walkPage = cr.walk.Since, page
	}
	unseen, queued, old := 0, 0, false
	var seen []string
	for _, it := range l.Items {
		if !extract.IsDetailURL(it.URL) {
			continue
		}
		if !since.IsZero() && !it.Date.IsZero() && it.Date.Before(since) {
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
			seen = append(seen, it.URL)
		}
		if (!known || r.c.cfg.Refresh) && r.queueDetail(it.URL, channel, walkPage) {
			queued++
		}
	}
	if err := r.c.sink.MarkSeen(r.ctx, channel, seen); err != nil {
		r.fail(err)
		return false
	}
	if r.stopped() {
		return false // some items may not have been queued: the page is not handled
	}
	if chain == chainWalk {
		r.walkListed(cr, page, queued, l.PageCount)
	}

	next := page + 1
	switch {
	case next > l.PageCount || old:
		r.chainEnded(cr, chain, true, false) // the end of the list, or of the wanted dates
	case chain == chainNews && unseen == 0 && !r.c.cfg.Refresh && cr.trusted(l):
		r.chainEnded(cr, chain, true, false) // nothing new down to the last complete walk
	case chain == chainNews && cr.walk != nil && !cr.walkFrom1 && next >= cr.walk.Next:
		r.chainEnded(cr, chain, false, true) // the resumed walk takes it from here
	case r.c.cfg.MaxPages > 0 && next > r.c.cfg.MaxPages:
		r.chainEnded(cr, chain, false, false) // cut by --max-pages: resumed by a later run
	default:
		r.visitList(channel, next, chain)
	}
	return false
}

// chainEnded is called when a chain of list pages stops: natural says it
// reached its end.
func (r *run) chainEnded(cr *chanRun, chain string, natural, handover bool) {
	if chain == chainNews {
		r.newsEnded(cr, natural, handover)
		return
	}
	if natural {
		r.walkEnded(cr)
	}
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
		if errors.Is(err, extract.ErrUnknownLayout) {
			r.mu.Lock()
			if cr := r.chans[channel]; cr != nil {
				cr.unknown++
			}
			r.mu.Unlock()
		}
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
	if res.Outcome == extract.Created {
		r.created(channel, a)
	}
	if res.Outcome == extract.Created || res.Outcome == extract.Updated {
		r.wantMedia(res.ID, channel)
	}
	r.c.log.Debug("stored", "url", u, "id", res.ID, "outcome", res.Outcome.String(), "seq", res.Seq)
	r.clearFailure(u)
	r.recovered(resp.Ctx)
	r.settled(resp.Ctx)
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
