package crawler

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// progress reports a run while it goes: a bar redrawn on a terminal, or a
// log line every LogEvery otherwise.
type progress struct {
	done chan struct{}
	wg   sync.WaitGroup
}

func (c *Crawler) startProgress(r *run) *progress {
	p := &progress{done: make(chan struct{})}
	every := c.cfg.LogEvery
	if c.cfg.Progress != nil {
		every = 250 * time.Millisecond
	}
	start := time.Now()
	p.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-r.signalled: // a stop: the count stops at once
				if c.cfg.Progress != nil {
					fmt.Fprint(c.cfg.Progress, "\r\033[K")
				}
				<-p.done
				return
			case <-p.done:
				if c.cfg.Progress != nil {
					fmt.Fprint(c.cfg.Progress, "\r\033[K")
				}
				return
			case <-t.C:
			}
			queued, done := r.detailsQueued.Load(), r.detailsDone.Load()
			if c.cfg.Full {
				// A backfill queues detail pages as it walks the lists; the
				// pagers' totals say how many are still to come.
				queued = max(queued, r.listedTotal.Load()-r.storedAtStart.Load())
			}
			lists := r.listPages.Load()
			r.mu.Lock()
			failures := r.sum.Failures
			created := r.sum.Created
			r.mu.Unlock()
			elapsed := time.Since(start)
			eta := "?"
			if done > 0 && queued > done {
				eta = (time.Duration(float64(elapsed) / float64(done) * float64(queued-done))).Round(time.Second).String()
			} else if queued == done {
				eta = "0s"
			}
			if c.cfg.Progress != nil {
				fmt.Fprintf(c.cfg.Progress, "\r\033[K%s %d/%d articles · %d lists · %d new · %d failed · ETA %s",
					bar(done, queued, 24), done, queued, lists, created, failures, eta)
				continue
			}
			c.log.Info("progress", "articles_done", done, "articles_queued", queued, "list_pages", lists,
				"created", created, "failures", failures, "elapsed", elapsed.Round(time.Second).String(), "eta", eta)
		}
	})
	return p
}

func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}

func bar(done, total int64, width int) string {
	if total <= 0 {
		return "[" + strings.Repeat(" ", width) + "]"
	}
	n := int(done * int64(width) / total)
	n = min(max(n, 0), width)
	return "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "]"
}
