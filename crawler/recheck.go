package crawler

import (
	"net/http"

	"sppcrawl"
)

// Rolling re-verification: each run also asks the site again for the stored
// articles checked longest ago, with a conditional GET from their stored
// ETag/Last-Modified. A 304 or the same content confirms them; changed
// content is a new version; a gone answer counts towards a withdrawal. At 10
// a run, a 10-minute cron re-verifies some 1,400 articles a day.

// recheck queues the re-verifications of this run, after the walk.
func (r *run) recheck() {
	if r.c.cfg.Recheck <= 0 || r.stopped() || !r.phaseLease("recheck") {
		return
	}
	due, err := r.c.rechecks.DueRechecks(r.ctx, r.c.cfg.Recheck)
	if err != nil {
		r.fail(err)
		return
	}
	for _, rc := range due {
		if r.stopped() {
			return
		}
		if !r.claim(rc.URL) || !r.robots.allowed(rc.URL) {
			continue // fetched in this run already, or not ours to fetch
		}
		hdr := http.Header{}
		if rc.ETag != "" {
			hdr.Set("If-None-Match", rc.ETag)
		}
		if rc.LastModified != "" {
			hdr.Set("If-Modified-Since", rc.LastModified)
		}
		in := &reqInfo{kind: kindDetail, channel: rc.Channel, recheck: true}
		if err := r.request(rc.URL, in, hdr); err != nil {
			r.failure(&reqInfo{kind: kindDetail, channel: rc.Channel}, rc.URL, 0, err, false)
			continue
		}
		r.mu.Lock()
		r.sum.Rechecked++
		r.mu.Unlock()
	}
}

// confirmed handles a 304 to a re-verification: the stored version stands.
func (r *run) confirmed(u string) {
	res, err := r.c.rechecks.RecordChecked(r.ctx, u)
	if err != nil {
		r.fail(err)
		return
	}
	if res.Outcome == sppcrawl.Restored {
		r.count(sppcrawl.Restored)
	}
}
