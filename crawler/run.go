package crawler

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl"
)

// run is the state of one Run.
type run struct {
	c     *Crawler
	col   *colly.Collector
	ctx   context.Context // for the archive: not cancelled by a signal
	since time.Time
	// Closed by the first signal and by an abort: waits for a retry end early.
	signalled, aborted <-chan struct{}

	stopping atomic.Bool // first signal: no new requests
	abort    context.CancelFunc
	fatal    atomic.Pointer[error] // challenge or store failure: stop everything
	listForm atomic.Int32          // the list service's request form last answered (see service.go)

	mu     sync.Mutex
	sum    sppcrawl.RunSummary
	due    []sppcrawl.Failure   // failures due for a retry, from setup
	final  []*deferred          // waiting for the final pass
	media  []sppcrawl.MediaTodo // images and attachments to archive after the news
	crawl  bool                 // a crawl (not only media)
	queued map[uint64]struct{}  // FNV-64 of the URLs requested in this run: 8 bytes each, not a URL
	chans  map[string]*chanRun
	order  []sppcrawl.Channel // the channels this run crawls, in order
	own    *sppcrawl.Walk     // the walk the run asks for (ownWalk), nil: news only

	listPages, detailsQueued, detailsDone atomic.Int64
	// For the ETA of a backfill: the channels' record totals (from their
	// pagers) against what the archive held at the start.
	listedTotal, storedAtStart atomic.Int64
	robots                     *robots // nil when ignored
	pace                       *pacer
	lease                      *walkLeases // the run's leases on its channels (lease.go)
	requests0                  int64       // the crawler's request count when the run began
	// slots bounds the detail requests handed to colly at once: colly starts a
	// goroutine per request, so queueing a whole backfill up front would cost
	// memory in proportion to the site.
	slots chan struct{}
}

// Run crawls the configured channels once. Cancelling ctx (the first signal)
// stops new requests; pages in flight are finished and stored, and the summary
// is returned with ErrInterrupted. ErrBlocked means a challenge page stopped
// the run; any other error is a failure of the archive.
func (c *Crawler) Run(ctx context.Context) (sppcrawl.RunSummary, error) {
	r, err := c.newRun(ctx)
	defer r.abort()
	defer r.releaseLeases()
	if err == nil {
		err = r.plan()
	}
	if err != nil {
		return r.early(err)
	}
	r.walk(ctx)
	return r.finish()
}

// RunEvery runs the crawl now and then every interval until ctx ends (a
// crawl in progress then stops as Run does), telling done of each run.
func (c *Crawler) RunEvery(ctx context.Context, every time.Duration, done func(sppcrawl.RunSummary, error)) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		done(c.Run(ctx))
		t.Reset(every)
	}
}

// newRun starts a run: robots.txt read, the collector and the pacer set up.
func (c *Crawler) newRun(ctx context.Context) (*run, error) {
	start := c.cfg.Now()
	storeCtx := context.WithoutCancel(ctx)
	// Requests get their own context: cancelled only on abort, so a first
	// signal lets pages in flight finish.
	reqCtx, abort := context.WithCancel(storeCtx)
	r := &run{c: c, ctx: storeCtx, abort: abort, since: c.cfg.Since,
		signalled: ctx.Done(), aborted: reqCtx.Done(),
		queued: map[uint64]struct{}{}, chans: map[string]*chanRun{},
		slots: make(chan struct{}, 16*c.cfg.Parallel)}
	r.sum.Started = start.In(sppcrawl.CST()) // the clock of logs and stats
	r.requests0 = c.Requests()
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
	r.pace.claim = r.sharedPace(r.pace.gap())
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
	return r, nil
}

// plan reads what a crawl starts from: the archive's size, each channel's
// state and the walk it carries, and the failures due for a retry.
func (r *run) plan() error {
	c := r.c
	r.crawl = true
	chans, err := r.runChannels()
	if err != nil {
		return err
	}
	if r.own, err = r.ownWalk(chans); err != nil {
		return err
	}
	if err := r.leaseChannels(chans); err != nil {
		return err
	}
	r.sum.Channels = len(r.order)
	for _, ch := range r.order {
		cr, err := r.planChannel(ch)
		if err != nil {
			return err
		}
		r.chans[ch.Path] = cr
	}
	r.due, err = c.ledger.Failures(r.ctx, true, r.sum.Started)
	return err
}

// ownWalk is the walk this run asks for of chans: --full, --since, or on
// an empty archive the last 30 days; nil for news only. The count of the
// site's articles costs in proportion to the archive (a scan of its URLs),
// so it is read only when a channel's state does not say the site was
// walked before, or when the run walks (the ETA of a backfill): a cron run
// with nothing new reads per channel, and stays flat as the archive grows.
func (r *run) ownWalk(chans []sppcrawl.Channel) (*sppcrawl.Walk, error) {
	walked, left, err := r.walkedBefore(chans)
	if err != nil {
		return nil, err
	}
	var w *sppcrawl.Walk
	switch {
	case r.c.cfg.Full:
		w = &sppcrawl.Walk{Kind: sppcrawl.WalkFull}
	case !r.c.cfg.Since.IsZero():
		w = &sppcrawl.Walk{Kind: sppcrawl.WalkSince, Since: r.c.cfg.Since}
	}
	if w == nil && !left && walked {
		return nil, nil // a cron run: no count, which scans the archive
	}
	stored, err := r.c.articles.Count(r.ctx)
	if err != nil {
		return nil, err
	}
	r.storedAtStart.Store(int64(stored))
	if w == nil && !left && stored == 0 {
		w = &sppcrawl.Walk{Kind: sppcrawl.WalkWindow, Since: r.sum.Started.AddDate(0, 0, -30)}
		r.c.log.Info("empty archive: taking the last 30 days only (use --full to backfill everything)", "since", w.Since.Format("2006-01-02"))
	}
	return w, nil
}

// walkedBefore reads the states of chans: walked says one was walked to
// its end (its articles are in the archive), left that one has a walk an
// earlier run left, which the run resumes instead of taking 30 days.
func (r *run) walkedBefore(chans []sppcrawl.Channel) (walked, left bool, err error) {
	for _, ch := range chans {
		st, err := r.c.ledger.ChannelState(r.ctx, ch.Path)
		if err != nil {
			return false, false, err
		}
		walked = walked || st.CompleteURL != ""
		left = left || st.Walk != nil
	}
	return walked, left, nil
}

// planChannel reads a channel's state and decides its walk; a walk of this
// run is in the archive before the first request, so that a SIGKILL from
// then on leaves it to be resumed.
func (r *run) planChannel(ch sppcrawl.Channel) (*chanRun, error) {
	st, err := r.c.ledger.ChannelState(r.ctx, ch.Path)
	if err != nil {
		return nil, err
	}
	return r.planFrom(ch, st)
}

// planFrom is planChannel of a channel whose state st was read: the walk
// the run asks for (r.own), or the one st holds unfinished.
func (r *run) planFrom(ch sppcrawl.Channel, st sppcrawl.ChannelState) (*chanRun, error) {
	if ch.Name == "" {
		ch.Name = st.Name
	}
	cr := &chanRun{ch: ch, state: st, listed: map[int]bool{}, pending: map[int]int{}, probe: r.c.cfg.Discover}
	if r.own == nil {
		cr.planWalk(nil)
	} else {
		w := *r.own
		w.Next, w.Started = 1, r.sum.Started
		cr.planWalk(&w)
	}
	if cr.walk != nil && !cr.resumed {
		cr.state.Walk = cr.walk.Copy()
		if err := r.c.ledger.PutChannelState(r.ctx, cr.state); err != nil {
			return nil, err
		}
	}
	return cr, nil
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
		r.walkChannels()
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

// walkChannels queues the failures due for a retry (the oldest debt) and
// every channel's page 1, and waits until the walks are done.
func (r *run) walkChannels() {
	for _, f := range r.due {
		if r.c.site.IsArticleURL(f.URL) {
			r.queueInfo(f.URL, &reqInfo{kind: kindDetail, channel: f.Channel, due: true})
		}
	}
	for _, ch := range r.order {
		cr := r.chans[ch.Path]
		if cr.walk != nil && cr.walkFrom1 {
			cr.started = true
			r.visitList(ch.Path, 1, chainWalk)
		} else {
			r.visitList(ch.Path, 1, chainNews)
		}
	}
	r.walkQueued()
	r.col.Wait()
	r.awaitLeased()
}

// stopErr is why the run stopped early: a fatal error (a challenge, the
// archive failing) or a signal; nil when it ran to its end.
func (r *run) stopErr() error {
	switch {
	case r.fatal.Load() != nil:
		return *r.fatal.Load()
	case r.stopping.Load() || r.signalledNow():
		// The signal, even when the walk ended on it before the watcher
		// of walk had marked the run stopping (its select may pick either).
		return ErrInterrupted
	}
	return nil
}

// signalledNow reports whether the run's context has ended.
func (r *run) signalledNow() bool {
	select {
	case <-r.signalled:
		return true
	default:
		return false
	}
}

// outcome decides how the run ended, from why it stopped and what failed:
// pages (and, for a run of media alone, files) that failed or any warning
// make it failures.
func (r *run) outcome(stopErr error) sppcrawl.RunOutcome {
	switch {
	case errors.Is(stopErr, ErrBlocked):
		return sppcrawl.RunBlocked
	case errors.Is(stopErr, ErrInterrupted):
		return sppcrawl.RunInterrupted
	case stopErr != nil:
		return sppcrawl.RunError
	case r.sum.Failures > 0, len(r.sum.Warnings) > 0, !r.crawl && r.sum.MediaMissing > 0:
		return sppcrawl.RunFailures
	}
	return sppcrawl.RunOK
}

// close ends the summary: finished, requests counted, outcome and error.
func (r *run) close(stopErr error) {
	r.sum.Finished = r.c.cfg.Now().In(sppcrawl.CST())
	r.sum.Requests = int(r.c.Requests() - r.requests0)
	r.sum.ListPages = int(r.listPages.Load())
	r.sum.Outcome = r.outcome(stopErr)
	if stopErr != nil {
		r.sum.Error = stopErr.Error()
	}
}

// finish decides the run's outcome and records it with the channels' states.
func (r *run) finish() (sppcrawl.RunSummary, error) {
	runErr := r.stopErr()
	for _, cr := range r.chans {
		if r.leaseLost(cr.ch.Path) {
			continue // the state is the process's that took the lease
		}
		if runErr == nil {
			r.drift(cr)
		}
		if err := r.c.ledger.PutChannelState(r.ctx, r.endState(cr, runErr)); err != nil {
			runErr = cmpErr(runErr, err)
		}
	}
	sort.Strings(r.sum.Resuming)
	r.close(runErr)
	if err := r.putRun(); err != nil {
		runErr = cmpErr(runErr, err)
	}
	return r.sum, runErr
}

// endState is a channel's state as the run leaves it.
func (r *run) endState(cr *chanRun, runErr error) sppcrawl.ChannelState {
	st := cr.state
	st.LastRun = r.c.cfg.Now().In(sppcrawl.CST())
	if runErr == nil && cr.complete() {
		// Page 1's validators and top mean "all handled" only after a
		// walk that ran to its end: a 304 next time says nothing new.
		st.ETag, st.LastModified = cr.etag, cr.lm
		st.CompleteURL, st.CompleteDate = st.NewestURL, st.NewestDate
	}
	switch {
	case st.Kind == sppcrawl.KindNotList || st.Kind == sppcrawl.KindNoArticles:
		st.Walk = nil // passed over: there is nothing to resume
	case cr.walk != nil && cr.walkEnd && cr.allSettled():
		st.Walk = nil
	case cr.walk != nil:
		st.Walk = cr.walk.Copy()
		r.sum.Resuming = append(r.sum.Resuming, cr.ch.Key+": "+st.Walk.String())
	}
	return st
}

// cmpErr keeps the first error of a run: what stopped it says more than
// what failed while it was recording that.
func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// early ends a run that failed before crawling (the site or the archive
// unreachable), recording it so stats and /metrics show the failure.
func (r *run) early(err error) (sppcrawl.RunSummary, error) {
	r.close(err)
	r.sum.Outcome = sppcrawl.RunError
	if perr := r.putRun(); perr != nil {
		err = errors.Join(err, perr)
	}
	return r.sum, err
}

// putRun records the run's summary, unless a Group records it with its
// other sites'.
func (r *run) putRun() error {
	if r.c.grouped {
		return nil
	}
	return r.c.ledger.PutRun(r.ctx, r.sum)
}

func (r *run) stopped() bool { return r.stopping.Load() || r.fatal.Load() != nil }

func (r *run) fail(err error) {
	if r.fatal.CompareAndSwap(nil, &err) {
		r.abort()
	}
}
