package crawler

import (
	"context"
	"errors"
	"sort"
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
	due    []extract.Failure   // failures due for a retry, from setup
	final  []*deferred         // waiting for the final pass
	media  []extract.MediaTodo // images and attachments to archive after the news
	crawl  bool                // a crawl (not only media)
	queued map[uint64]struct{} // FNV-64 of the detail URLs scheduled in this run: 8 bytes each, not a URL
	chans  map[string]*chanRun

	listPages, detailsQueued, detailsDone atomic.Int64
	// For the ETA of a backfill: the channels' record totals (from their
	// pagers) against what the archive held at the start.
	listedTotal, storedAtStart atomic.Int64
	robots                     *robots // nil when ignored
	pace                       *pacer
	requests0                  int64 // the crawler's request count when the run began
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
	r, err := c.setup(ctx, true)
	defer r.abort()
	if err != nil {
		return r.early(err)
	}
	r.walk(ctx)
	return r.finish()
}

// RunEvery runs the crawl now and then every interval until ctx ends (a
// crawl in progress then stops as Run does), logging each run's summary.
func (c *Crawler) RunEvery(ctx context.Context, every time.Duration) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sum, err := c.Run(ctx)
		if err != nil && !errors.Is(err, ErrInterrupted) {
			c.cfg.Logger.Error(sum.String(), "err", err)
		} else {
			c.cfg.Logger.Info(sum.String())
		}
		t.Reset(every)
	}
}

// setup reads what the run starts from: robots.txt, and for a crawl the
// archive's size and channel states and the failures due for a retry.
func (c *Crawler) setup(ctx context.Context, crawl bool) (*run, error) {
	start := c.cfg.Now()
	storeCtx := context.WithoutCancel(ctx)
	// Requests get their own context: cancelled only on abort, so a first
	// signal lets pages in flight finish.
	reqCtx, abort := context.WithCancel(storeCtx)
	r := &run{c: c, ctx: storeCtx, abort: abort, since: c.cfg.Since,
		signalled: ctx.Done(), aborted: reqCtx.Done(),
		queued: map[uint64]struct{}{}, chans: map[string]*chanRun{},
		slots: make(chan struct{}, 16*c.cfg.Parallel)}
	r.sum.Started = start.In(extract.CST()) // the clock of logs and stats
	r.requests0 = c.Requests()
	r.sum.Channels = len(c.cfg.Channels)
	rules, err := c.loadRobots(reqCtx)
	if err != nil {
		return r, err
	}
	r.robots = rules
	delay, parallel := c.cfg.Delay, c.cfg.Parallel
	if d := rules.crawlDelay(); d > delay {
		// Crawl-delay asks for one request at a time, that far apart.
		delay, parallel = d, 1
		c.log.Info("robots.txt asks for a crawl delay", "delay", d.String())
	}
	r.col = c.newCollector(reqCtx, true, parallel)
	r.pace = newPacer(delay, parallel)
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
	if !crawl {
		return r, nil
	}
	r.crawl = true

	stored, err := c.sink.Count(storeCtx)
	if err != nil {
		return r, err
	}
	r.storedAtStart.Store(int64(stored))
	// The walk this run asks for: --full, --since, or on an empty archive
	// the last 30 days.
	var own *extract.Walk
	switch {
	case c.cfg.Full:
		own = &extract.Walk{Kind: "full"}
	case !c.cfg.Since.IsZero():
		own = &extract.Walk{Kind: "since", Since: c.cfg.Since}
	case stored == 0:
		own = &extract.Walk{Kind: "window", Since: start.AddDate(0, 0, -30)}
		c.log.Info("empty archive: taking the last 30 days only (use --full to backfill everything)", "since", own.Since.Format("2006-01-02"))
	}
	for _, ch := range c.cfg.Channels {
		st, err := c.sink.ChannelState(storeCtx, ch.Path)
		if err != nil {
			return r, err
		}
		if ch.Name == "" {
			ch.Name = st.Name
		}
		cr := &chanRun{ch: ch, state: st, listed: map[int]bool{}, pending: map[int]int{}}
		if own != nil {
			w := *own
			w.Next, w.Started = 1, start
			cr.planWalk(&w)
		} else {
			cr.planWalk(nil)
		}
		if cr.walk != nil && !cr.resumed {
			// In the archive before the first request: a SIGKILL from now
			// on leaves it to be resumed.
			cr.state.Walk = cr.walk.Copy()
			if err := c.sink.PutChannelState(storeCtx, cr.state); err != nil {
				return r, err
			}
		}
		r.chans[ch.Path] = cr
	}
	if r.due, err = c.sink.Failures(storeCtx, true, start); err != nil {
		return r, err
	}
	return r, nil
}

// walk fetches: failures due first, then every channel's list pages from page
// 1, and the detail pages they lead to; it returns when nothing is left.
func (r *run) walk(ctx context.Context) {
	stopWatch := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			r.stopping.Store(true)
			r.c.log.Warn("stopping: finishing pages in flight (signal again to abort)")
		case <-stopWatch:
		}
	}()
	prog := r.c.startProgress(r)
	if r.crawl {
		// Failures due for a retry go first: they are the oldest debt.
		for _, f := range r.due {
			if extract.IsDetailURL(f.URL) {
				r.queueDetail(f.URL, f.Channel, 0)
			}
		}
		for _, ch := range r.c.cfg.Channels {
			cr := r.chans[ch.Path]
			if cr.walk != nil && cr.walkFrom1 {
				cr.started = true
				r.visitList(ch.Path, 1, chainWalk)
			} else {
				r.visitList(ch.Path, 1, chainNews)
			}
		}
		r.col.Wait()
		// The news of the run is in; then the re-verification of old
		// articles.
		r.recheck()
		r.col.Wait()
	}
	// Then the files of the articles stored, and the final pass for what
	// failed on transient errors.
	r.fetchMedia()
	r.col.Wait()
	r.finalPass()
	close(stopWatch)
	prog.stop()
}

// finish decides the run's outcome and records it with the channels' states.
func (r *run) finish() (extract.RunSummary, error) {
	c := r.c
	r.sum.Finished = c.cfg.Now().In(extract.CST())
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
	for _, cr := range r.chans {
		if runErr == nil {
			r.drift(cr)
		}
		st := cr.state
		st.LastRun = r.sum.Finished
		if runErr == nil && cr.complete() {
			// Page 1's validators and top mean "all handled" only after a
			// walk that ran to its end: a 304 next time says nothing new.
			st.ETag, st.LastModified = cr.etag, cr.lm
			st.CompleteURL, st.CompleteDate = st.NewestURL, st.NewestDate
		}
		switch {
		case cr.walk != nil && cr.walkEnd && cr.allSettled():
			st.Walk = nil
		case cr.walk != nil:
			st.Walk = cr.walk.Copy()
			r.sum.Resuming = append(r.sum.Resuming, cr.ch.Key+": "+st.Walk.String())
		}
		if err := c.sink.PutChannelState(r.ctx, st); err != nil {
			return r.sum, err
		}
	}
	sort.Strings(r.sum.Resuming)
	if runErr == nil && r.sum.Failures == 0 && len(r.sum.Warnings) > 0 {
		r.sum.Outcome = "failures"
	}
	if err := c.sink.PutRun(r.ctx, r.sum); err != nil && runErr == nil {
		runErr = err
	}
	return r.sum, runErr
}

// early ends a run that failed before crawling (the site or the archive
// unreachable), recording it so stats and /metrics show the failure.
func (r *run) early(err error) (extract.RunSummary, error) {
	r.sum.Finished = r.c.cfg.Now().In(extract.CST())
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
