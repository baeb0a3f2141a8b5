package crawler

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

// run is the state of one Run.
type run struct {
	c     *Crawler
	col   *colly.Collector
	ctx   context.Context // for the sink: not cancelled by a signal
	since time.Time
	// Closed by the first signal and by an abort: waits for a retry end early.
	signalled, aborted <-chan struct{}

	stopping atomic.Bool // first signal: no new requests
	abort    context.CancelFunc
	fatal    atomic.Pointer[error] // challenge or store failure: stop everything

	mu     sync.Mutex
	sum    extract.RunSummary
	queued map[uint64]struct{} // FNV-64 of the detail URLs scheduled in this run: 8 bytes each, not a URL
	chans  map[string]*chanRun

	listPages, detailsQueued, detailsDone atomic.Int64
	// For the ETA of a backfill: the channels' record totals (from their
	// pagers) against what the archive held at the start.
	listedTotal, storedAtStart atomic.Int64
	robots                     *robots // nil when ignored
	requests0                  int64   // the crawler's request count when the run began
	// slots bounds the detail requests handed to colly at once: colly starts a
	// goroutine per request, so queueing a whole backfill up front would cost
	// memory in proportion to the site.
	slots chan struct{}
}

// detailFinished frees the slot of a detail request that is done for good.
func (r *run) detailFinished() {
	r.detailsDone.Add(1)
	<-r.slots
}

// chanRun is one channel's walk in this run.
type chanRun struct {
	ch       extract.Channel
	state    extract.ChannelState
	etag, lm string
	walked   bool // the walk reached its natural end
	failed   bool // a list page failed
}

const (
	ctxKind    = "kind"
	ctxChannel = "channel"
	ctxPage    = "page"
	ctxAttempt = "attempt"
	kindList   = "list"
	kindDetail = "detail"
)

// Run crawls the configured channels once. Cancelling ctx (the first signal)
// stops new requests; pages in flight are finished and stored, and the summary
// is returned with ErrInterrupted. ErrBlocked means a challenge page stopped
// the run; any other error is a failure of the archive.
func (c *Crawler) Run(ctx context.Context) (extract.RunSummary, error) {
	start := c.cfg.Now()
	storeCtx := context.WithoutCancel(ctx)
	// Requests get their own context: cancelled only on abort, so a first
	// signal lets pages in flight finish.
	reqCtx, abort := context.WithCancel(storeCtx)
	defer abort()
	r := &run{c: c, ctx: storeCtx, abort: abort, since: c.cfg.Since,
		signalled: ctx.Done(), aborted: reqCtx.Done(),
		queued: map[uint64]struct{}{}, chans: map[string]*chanRun{},
		slots: make(chan struct{}, 16*c.cfg.Parallel)}
	r.sum.Started = start
	r.requests0 = c.Requests()
	r.sum.Channels = len(c.cfg.Channels)
	rules, err := c.loadRobots(reqCtx)
	if err != nil {
		return r.early(err)
	}
	r.robots = rules
	delay, parallel := c.cfg.Delay, c.cfg.Parallel
	if d := rules.crawlDelay(); d > delay {
		// Crawl-delay asks for one request at a time, that far apart.
		delay, parallel = d, 1
		c.log.Info("robots.txt asks for a crawl delay", "delay", d.String())
	}
	r.col = c.newCollector(reqCtx, true, delay, parallel)
	r.col.OnRequest(r.onRequest)
	// Requests queued before a stop wait for a free connection slot; this
	// drops them once they get one, instead of sending them.
	r.col.OnRequestHeaders(func(req *colly.Request) {
		if r.stopped() {
			req.Abort()
		}
	})
	r.col.OnResponse(r.onResponse)
	r.col.OnError(r.onError)

	stored, err := c.sink.Count(storeCtx)
	if err != nil {
		return r.early(err)
	}
	r.storedAtStart.Store(int64(stored))
	if !c.cfg.Full && r.since.IsZero() {
		if stored == 0 {
			r.since = start.AddDate(0, 0, -30)
			c.log.Info("empty archive: taking the last 30 days only (use --full to backfill everything)", "since", r.since.Format("2006-01-02"))
		}
	}

	for _, ch := range c.cfg.Channels {
		st, err := c.sink.ChannelState(storeCtx, ch.Path)
		if err != nil {
			return r.early(err)
		}
		r.chans[ch.Path] = &chanRun{ch: ch, state: st}
	}
	due, err := c.sink.Failures(storeCtx, true, start)
	if err != nil {
		return r.early(err)
	}

	stopWatch := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			r.stopping.Store(true)
			c.log.Warn("stopping: finishing pages in flight (signal again to abort)")
		case <-stopWatch:
		}
	}()
	prog := c.startProgress(r)

	// Failures due for a retry go first: they are the oldest debt.
	for _, f := range due {
		if extract.IsDetailURL(f.URL) {
			r.queueDetail(f.URL, f.Channel)
		}
	}
	for _, ch := range c.cfg.Channels {
		r.visitList(ch.Path, 1)
	}
	r.col.Wait()
	close(stopWatch)
	prog.stop()

	r.sum.Finished = c.cfg.Now()
	r.sum.Requests = int(c.Requests() - r.requests0)
	r.sum.ListPages = int(r.listPages.Load())
	var runErr error
	switch {
	case r.fatal.Load() != nil:
		runErr = *r.fatal.Load()
	case r.stopping.Load():
		runErr = ErrInterrupted
	}
	switch {
	case errors.Is(runErr, ErrBlocked):
		r.sum.Outcome = "blocked"
	case errors.Is(runErr, ErrInterrupted):
		r.sum.Outcome = "interrupted"
	case runErr != nil:
		r.sum.Outcome = "error"
	case r.sum.Failures > 0:
		r.sum.Outcome = "failures"
	default:
		r.sum.Outcome = "ok"
	}
	if runErr != nil {
		r.sum.Error = runErr.Error()
	}
	if runErr == nil {
		// Only a walk that ran to its end may remember page 1's validators: a
		// 304 next time means "nothing new", which must be true.
		for _, cr := range r.chans {
			st := cr.state
			st.LastRun = r.sum.Finished
			if cr.walked && !cr.failed {
				st.ETag, st.LastModified = cr.etag, cr.lm
			}
			if err := c.sink.PutChannelState(storeCtx, st); err != nil {
				return r.sum, err
			}
		}
	}
	if err := c.sink.PutRun(storeCtx, r.sum); err != nil && runErr == nil {
		runErr = err
	}
	return r.sum, runErr
}

// early ends a run that failed before crawling (the site or the archive
// unreachable), recording it so stats and /metrics show the failure.
func (r *run) early(err error) (extract.RunSummary, error) {
	r.sum.Finished = r.c.cfg.Now()
	r.sum.Requests = int(r.c.Requests() - r.requests0)
	r.sum.Outcome, r.sum.Error = "error", err.Error()
	r.c.sink.PutRun(r.ctx, r.sum)
	return r.sum, err
}

func (r *run) stopped() bool { return r.stopping.Load() || r.fatal.Load() != nil }

func (r *run) fail(err error) {
	if r.fatal.CompareAndSwap(nil, &err) {
		r.abort()
	}
}

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
		r.mu.Lock()
		cr.failed = true // the walk is incomplete: keep the old validators
		r.mu.Unlock()
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
		r.mu.Lock()
		cr.failed = true
		r.mu.Unlock()
	}
}

func (r *run) queueDetail(u, channel string) {
	r.mu.Lock()
	h := fnv.New64a()
	h.Write([]byte(u))
	key := h.Sum64()
	if _, dup := r.queued[key]; dup {
		r.mu.Unlock()
		return
	}
	r.queued[key] = struct{}{}
	r.mu.Unlock()
	if r.stopped() {
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
	listFailed := false
	switch {
	case status == http.StatusNotModified && kind == kindList:
		r.listNotModified(resp)
	case status >= 200 && status < 300:
		if kind == kindList {
			r.list(resp, u)
		} else {
			r.detail(resp, u)
		}
	case status == http.StatusNotFound || status == http.StatusGone:
		r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d", status), true)
		listFailed = true
	case status == http.StatusTooManyRequests || status >= 500:
		if r.retry(resp.Request, retryAfter(resp.Headers, r.c.cfg.Now())) {
			return true
		}
		r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d after %d attempts", status, attempts(resp.Ctx)), false)
		listFailed = true
	default:
		r.failure(resp.Ctx, u, channel, status, fmt.Errorf("HTTP %d", status), false)
		listFailed = true
	}
	if kind == kindList && listFailed {
		r.mu.Lock()
		r.chans[channel].failed = true
		r.mu.Unlock()
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
	if retryableErr(err) && r.retry(resp.Request, 0) {
		return
	}
	if kind == kindDetail {
		r.detailFinished()
	} else {
		r.mu.Lock()
		r.chans[channel].failed = true
		r.mu.Unlock()
	}
	r.failure(resp.Ctx, u, channel, resp.StatusCode, err, false)
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

func (r *run) list(resp *colly.Response, u string) {
	channel := resp.Ctx.Get(ctxChannel)
	l, err := extract.ParseList(resp.Body, u, resp.Headers.Get("Content-Type"))
	if errors.Is(err, extract.ErrChallenge) {
		r.blocked(u)
		return
	}
	r.listPages.Add(1)
	r.mu.Lock()
	cr := r.chans[channel]
	r.mu.Unlock()
	if err != nil {
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, false)
		r.mu.Lock()
		cr.failed = true
		r.mu.Unlock()
		return
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
			return
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
		return
	}
	r.mu.Lock()
	cr.walked = true
	r.mu.Unlock()
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

func (r *run) detail(resp *colly.Response, u string) {
	channel := resp.Ctx.Get(ctxChannel)
	a, raw, gone, err := r.c.articleOf(resp, u)
	switch {
	case errors.Is(err, extract.ErrChallenge):
		r.blocked(u)
		return
	case err != nil:
		r.failure(resp.Ctx, u, channel, resp.StatusCode, err, gone)
		return
	}
	if r.fatal.Load() != nil {
		return // a challenge elsewhere: store nothing more
	}
	res, err := r.c.sink.Upsert(r.ctx, a, raw)
	if err != nil {
		r.c.log.Error("store failed: stopping the run", "url", u, "err", err)
		r.fail(err)
		return
	}
	r.mu.Lock()
	switch res.Outcome {
	case extract.Created:
		r.sum.Created++
	case extract.Updated:
		r.sum.Updated++
	case extract.Unchanged:
		r.sum.Unchanged++
	case extract.Aliased:
		r.sum.Aliased++
	}
	r.mu.Unlock()
	r.c.log.Debug("stored", "url", u, "id", res.ID, "outcome", res.Outcome.String(), "seq", res.Seq)
	r.clearFailure(u)
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
	now := r.c.cfg.Now()
	n := 1
	if ctx != nil {
		n = attempts(ctx)
	}
	f := extract.Failure{URL: u, Channel: channel, Attempts: n, Status: status,
		LastError: err.Error(), LastTry: now, Gone: gone}
	if !gone {
		// Runs back off too: 5 min after the first failing run (so the next
		// run of a 10-minute cron retries it), doubling up to a day.
		prev, _, _ := r.c.sink.Failure(r.ctx, u)
		wait := 5 * time.Minute << min(prev.Attempts/r.c.cfg.MaxAttempts, 9)
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
	level := slog.LevelWarn
	if gone {
		level = slog.LevelInfo
	}
	r.c.log.Log(r.ctx, level, "page failed", "url", u, "status", status, "gone", gone, "err", err.Error())
}
