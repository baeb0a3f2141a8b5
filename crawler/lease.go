package crawler

import (
	"math/rand/v2"
	"time"

	"sppcrawl"
)

// Processes crawling one archive at once (PostgreSQL) split the site by
// channel: a run walks a channel only while it holds the channel's lease
// (sppcrawl.Leaser), renewed until the run ends. A run takes a channel's
// lease only when it is ready to walk it, the walk before it done
// (walkQueued), so runs at once share the channels out as they go, each
// taking the next free one, rather than the first to ask taking them all.
// A channel another process holds is waited for, a lease's time at most
// (awaitLeased): taken when its lease runs out because that process died
// (its walk, a row, is resumed), passed over when that process walked it
// meanwhile. So runs at once cover every channel, none twice, and a run
// after a kill covers what the killed one left. On bbolt every lease is
// granted (one writer) and every channel is walked at once, as ever.

// walkLeases are the leases of one run, kept (renewed) by keeper.
type walkLeases struct {
	keeper  *sppcrawl.LeaseKeeper
	queue   []sppcrawl.Channel // not asked for yet: taken one at a time (walkQueued)
	waiting []sppcrawl.Channel // held by another process when asked for
}

// leaseKey is the key of the lease on a channel's walk.
func (r *run) leaseKey(path string) string { return sppcrawl.ChannelLease(r.c.site.Host(), path) }

// leaseChannels starts the run's leases, renewed from now on. On an archive
// others share, chans are queued, their leases taken as their walks start;
// on one process's archive, every lease is granted now and r.order is
// chans, walked at once.
func (r *run) leaseChannels(chans []sppcrawl.Channel) error {
	l := &walkLeases{keeper: sppcrawl.KeepLeases(r.ctx, sppcrawl.LeaseKeeping{
		Leases: r.c.leases, Holder: r.c.holder, TTL: r.c.cfg.Lease,
		// A lease another process took: that process walks the channel now,
		// and this run records nothing of it (leaseLost).
		Lost: func(key string) {
			r.c.log.Warn("lease of a channel lost to another process: leaving its walk to it", "lease", key)
		},
		Failed: func(key string, err error) {
			r.c.log.Warn("lease of a channel not renewed", "lease", key, "err", err)
		},
	})}
	r.lease = l // released by Run whatever happens next
	if r.c.shared {
		l.queue = chans
		return nil
	}
	for _, ch := range chans {
		if _, err := r.take(l, ch.Path); err != nil {
			return err
		}
	}
	r.order = chans
	return nil
}

// take acquires the lease of the channel at path, kept from now on.
func (r *run) take(l *walkLeases, path string) (bool, error) {
	return l.keeper.Acquire(r.ctx, r.leaseKey(path))
}

// leaseLost reports whether the run lost the lease of the channel at path,
// whose state is then another process's to record.
func (r *run) leaseLost(path string) bool {
	return r.lease != nil && r.lease.keeper.Lost(r.leaseKey(path))
}

// releaseLeases stops the renewals and gives the leases up, once the run
// has recorded its channels' states.
func (r *run) releaseLeases() {
	if r.lease == nil {
		return
	}
	if err := r.lease.keeper.Close(r.ctx); err != nil {
		// They run out by themselves: the next run waits that long at most.
		r.c.log.Warn("leases not released", "err", err)
	}
}

// walkQueued walks the queued channels one after another: the lease of
// each is asked for once the walk before it is done (its list pages and
// its articles), so that of runs at once each takes a channel when it can
// walk it and the channels are split by how fast each run walks. A channel
// refused is another process's: waited for after (awaitLeased). Channels
// one after another cost a run alone little: a channel's article pages
// still go out --parallel at a time, and only its last few wait.
func (r *run) walkQueued() {
	l := r.lease
	if l == nil {
		return
	}
	for len(l.queue) > 0 && !r.stopped() {
		ch := l.queue[0]
		l.queue = l.queue[1:]
		ok, err := r.take(l, ch.Path)
		if err == nil && ok {
			err = r.startLeased(ch)
		}
		switch {
		case err != nil:
			r.fail(err)
			return
		case !ok:
			r.c.log.Info("channel walked by another process: waiting for it", "channel", ch.Path)
			l.waiting = append(l.waiting, ch)
			continue
		}
		r.col.Wait()
		if err := r.walked(ch); err != nil {
			r.fail(err)
			return
		}
	}
}

// awaitLeased walks the channels another process held when the run asked
// for them whose lease runs out within a lease's time: that process died,
// and its walk is resumed here. A channel that process walked meanwhile
// (its last run later than this run's start: see walked) needs nothing
// more; a lease still held after that is renewed by a live process, which
// covers the channel. Waiting no longer than a lease keeps two runs
// waiting for each other's channels from waiting forever.
func (r *run) awaitLeased() {
	l := r.lease
	if l == nil {
		return
	}
	giveUp := time.Now().Add(r.c.cfg.Lease + r.c.cfg.Lease/4)
	for len(l.waiting) > 0 && !r.stopped() && time.Now().Before(giveUp) {
		if !r.pause(leasePoll(r.c.cfg.Lease)) {
			return
		}
		var still []sppcrawl.Channel
		for _, ch := range l.waiting {
			ok, err := r.takeWaiting(l, ch)
			if err != nil {
				r.fail(err)
				return
			}
			if !ok {
				still = append(still, ch)
			}
		}
		l.waiting = still
		r.col.Wait()
	}
	for _, ch := range l.waiting {
		r.c.log.Info("channel left to the process walking it", "channel", ch.Path)
	}
}

// takeWaiting takes a channel another process held and starts its walk, or
// reports it done when that process walked it since this run began; false
// while it is held and not walked yet.
func (r *run) takeWaiting(l *walkLeases, ch sppcrawl.Channel) (bool, error) {
	ok, err := r.take(l, ch.Path)
	if err != nil {
		return false, err
	}
	if ok {
		return true, r.startLeased(ch)
	}
	st, err := r.c.ledger.ChannelState(r.ctx, ch.Path)
	return err == nil && st.LastRun.After(r.sum.Started), err
}

// walked records, while the run still holds its lease, the state of a
// channel walked to its end as the run's end would record it, so that a
// process waiting for the channel sees it walked (awaitLeased) instead of
// waiting for this run's end: two runs at once each wait for the other's
// channels. The run's end records it again. A walk left unfinished waits
// for the run's end, which says where it resumes.
func (r *run) walked(ch sppcrawl.Channel) error {
	if r.stopped() || r.leaseLost(ch.Path) {
		return nil
	}
	r.mu.Lock()
	cr := r.chans[ch.Path]
	done := cr != nil && (cr.walk == nil || cr.walkEnd && cr.allSettled())
	var st sppcrawl.ChannelState
	if done {
		st = r.endState(cr, nil) // a walk ended and settled: nothing of the summary's changes
	}
	r.mu.Unlock()
	if !done {
		return nil
	}
	return r.c.ledger.PutChannelState(r.ctx, st)
}

// leasePoll is how often a run looks whether a channel's lease is free: a
// quarter of a lease, jittered so that waiting runs do not ask together.
func leasePoll(lease time.Duration) time.Duration {
	q := max(lease/4, 10*time.Millisecond)
	return q + rand.N(q/2)
}

// pause waits d, or reports false as soon as the run stops.
func (r *run) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.signalled:
	case <-r.aborted:
	}
	return false
}

// startLeased plans a channel whose lease the run took as it went and
// requests its page 1, as walkChannels does for the others, unless another
// process walked it since this run began.
func (r *run) startLeased(ch sppcrawl.Channel) error {
	st, err := r.c.ledger.ChannelState(r.ctx, ch.Path)
	if err != nil {
		return err
	}
	if st.LastRun.After(r.sum.Started) {
		return r.lease.keeper.Release(r.ctx, r.leaseKey(ch.Path)) // walked to its end by the other process
	}
	if st.Walk != nil {
		r.c.log.Info("resuming the walk of a channel", "channel", ch.Path)
	}
	cr, err := r.planFrom(ch, st)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.chans[ch.Path] = cr
	r.order = append(r.order, ch)
	r.sum.Channels++
	r.mu.Unlock()
	if cr.walk != nil && cr.walkFrom1 {
		cr.started = true
		r.visitList(ch.Path, 1, chainWalk)
	} else {
		r.visitList(ch.Path, 1, chainNews)
	}
	return nil
}

// phaseLease takes the lease of a phase of the run that reads a list every
// process would read alike (the rechecks due, the media due) and reports
// whether this run does it: of runs at once on one archive, the first.
// Held, renewed and released with the channels' leases; a run that cannot
// ask does the phase, as a run alone would.
func (r *run) phaseLease(phase string) bool {
	l := r.lease
	if l == nil {
		return true
	}
	ok, err := l.keeper.Acquire(r.ctx, phase+" "+r.c.site.Host())
	switch {
	case err != nil:
		r.c.log.Warn("lease of a phase not taken: doing it", "phase", phase, "err", err)
		return true
	case !ok:
		r.c.log.Info("another process does this phase of the run", "phase", phase)
		return false
	}
	return true
}

// storedMeanwhile reports whether another process sharing the archive
// stored the article a detail request of the walk is about to fetch (a
// page listed in two channels, walked by two processes): the request is
// then spared. With one process the run's own records say it already. A
// retry the failure log holds is fetched all the same: a stored page to
// repair (see verify) is one.
func (r *run) storedMeanwhile(in *reqInfo, u string) bool {
	if !r.c.shared || in.kind != kindDetail || in.recheck || in.due || r.c.cfg.Refresh {
		return false
	}
	ok, err := r.c.articles.HasURL(r.ctx, u)
	return err == nil && ok
}

// sharedPace is the pacer's booking of each start through the archive, so
// that processes crawling one host at once keep its pace together; nil
// when the archive has no Pacer (one process: the pacer's own schedule).
func (r *run) sharedPace(interval time.Duration) func() (time.Duration, error) {
	p := r.c.pacer
	if p == nil || interval <= 0 {
		return nil
	}
	host := r.c.site.Host()
	if r.c.origin != nil {
		host = r.c.origin.Host // the host requests go to: a mirror's own pace
	}
	return func() (time.Duration, error) {
		gap := interval + rand.N(interval/2+1)
		return p.ClaimStart(r.ctx, host, gap)
	}
}
