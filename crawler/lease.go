package crawler

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"sppcrawl"
)

// Processes crawling one archive at once (PostgreSQL) split the site by
// channel: a run walks a channel only while it holds the channel's lease
// (sppcrawl.Leaser), renewed until the run ends. A channel another process
// holds is waited for, a lease's time at most (awaitLeased): taken when its
// lease runs out because that process died (its walk, a row, is resumed),
// passed over when that process walked it meanwhile. So runs at once cover
// every channel, none twice at a time, and a run after a kill covers what
// the killed one left. On bbolt every lease is granted: one writer.

// walkLeases are the leases of one run.
type walkLeases struct {
	mu      sync.Mutex
	held    map[string]string // channel path → lease key
	lost    map[string]bool   // channel paths whose lease another process took
	waiting []sppcrawl.Channel
	stop    chan struct{}
	done    chan struct{}
}

// leaseKey is the key of the lease on a channel's walk.
func (r *run) leaseKey(path string) string { return sppcrawl.ChannelLease(r.c.site.Host(), path) }

// leaseChannels takes the lease of every channel of the run; those held by
// another process wait (awaitLeased). The leases are renewed from now on.
func (r *run) leaseChannels() error {
	l := &walkLeases{held: map[string]string{}, lost: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	r.lease = l // released by Run whatever happens next
	go r.renewLeases(l)
	var kept []sppcrawl.Channel
	for _, ch := range r.order {
		ok, err := r.take(l, ch.Path)
		switch {
		case err != nil:
			return err
		case ok:
			kept = append(kept, ch)
		default:
			r.c.log.Info("channel walked by another process: waiting for it", "channel", ch.Path)
			l.waiting = append(l.waiting, ch)
		}
	}
	r.order = kept
	return nil
}

// take acquires the lease of the channel at path and records it held.
func (r *run) take(l *walkLeases, path string) (bool, error) {
	key := r.leaseKey(path)
	ok, err := r.c.leases.Acquire(r.ctx, key, r.c.holder, r.c.cfg.Lease)
	if ok {
		l.mu.Lock()
		l.held[path] = key
		l.mu.Unlock()
	}
	return ok, err
}

// renewLeases renews the run's leases a third of their time apart, so two
// renewals may fail (the database restarting) before one runs out.
func (r *run) renewLeases(l *walkLeases) {
	defer close(l.done)
	t := time.NewTicker(max(r.c.cfg.Lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		held := make(map[string]string, len(l.held))
		for p, k := range l.held {
			held[p] = k
		}
		l.mu.Unlock()
		for path, key := range held {
			r.renew(l, path, key)
		}
	}
}

// renew renews one lease; a lease another process took is given up: that
// process walks the channel now, and this run records nothing of it.
func (r *run) renew(l *walkLeases, path, key string) {
	err := r.c.leases.Renew(r.ctx, key, r.c.holder, r.c.cfg.Lease)
	switch {
	case errors.Is(err, sppcrawl.ErrLeaseLost):
		r.c.log.Warn("lease of a channel lost to another process: leaving its walk to it", "channel", path)
		l.mu.Lock()
		delete(l.held, path)
		l.lost[path] = true
		l.mu.Unlock()
	case err != nil:
		r.c.log.Warn("lease of a channel not renewed", "channel", path, "err", err)
	}
}

// leaseLost reports whether the run lost the lease of the channel at path,
// whose state is then another process's to record.
func (r *run) leaseLost(path string) bool {
	if r.lease == nil {
		return false
	}
	r.lease.mu.Lock()
	defer r.lease.mu.Unlock()
	return r.lease.lost[path]
}

// releaseLeases stops the renewals and gives the leases up, once the run
// has recorded its channels' states.
func (r *run) releaseLeases() {
	l := r.lease
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
	for _, key := range l.held {
		if err := r.c.leases.Release(r.ctx, key, r.c.holder); err != nil {
			// It runs out by itself: the next run waits that long at most.
			r.c.log.Warn("lease not released", "lease", key, "err", err)
		}
	}
}

// awaitLeased walks the channels another process held when the run began
// whose lease runs out within a lease's time: that process died, and its
// walk is resumed here. A lease still held after that is renewed by a live
// process, which covers the channel; a channel it finished meanwhile (its
// last run later than this run's start) needs nothing more. Waiting no
// longer than a lease keeps two runs waiting for each other's channels
// from waiting forever.
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
			ok, err := r.take(l, ch.Path)
			if err == nil && ok {
				err = r.startLeased(ch)
			}
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

// startLeased plans a channel whose lease the run took late and requests
// its page 1, as walkChannels does for the others, unless the process that
// held it walked it since this run began.
func (r *run) startLeased(ch sppcrawl.Channel) error {
	st, err := r.c.ledger.ChannelState(r.ctx, ch.Path)
	if err != nil {
		return err
	}
	if st.LastRun.After(r.sum.Started) {
		r.lease.mu.Lock()
		delete(r.lease.held, ch.Path)
		r.lease.mu.Unlock()
		return r.c.leases.Release(r.ctx, r.leaseKey(ch.Path), r.c.holder) // walked to its end by the other process
	}
	r.c.log.Info("lease of a channel run out: resuming its walk", "channel", ch.Path)
	own := r.ownWalk(int(r.storedAtStart.Load()))
	cr, err := r.planChannel(ch, own)
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
	key := phase + " " + r.c.site.Host()
	ok, err := r.c.leases.Acquire(r.ctx, key, r.c.holder, r.c.cfg.Lease)
	switch {
	case err != nil:
		r.c.log.Warn("lease of a phase not taken: doing it", "phase", phase, "err", err)
		return true
	case !ok:
		r.c.log.Info("another process does this phase of the run", "phase", phase)
		return false
	}
	l.mu.Lock()
	l.held[phase] = key // not a channel's path: no state is written for it
	l.mu.Unlock()
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
