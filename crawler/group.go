package crawler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"sppcrawl"
)

// Group crawls several sites in one run, all at once: each site by a
// Crawler of its own, so each host is paced on its own (its delay, its
// requests in flight, its robots.txt, its Retry-After), and a slow or dead
// host holds back none of the others. Their records are each site's (see
// sppcrawl.SiteScoper); the run's summary adds them up.
type Group struct {
	// SiteDone, when set, is told of each site's run as it ends, while
	// the others may go on (from that site's goroutine).
	SiteDone func(site sppcrawl.Site, sum sppcrawl.RunSummary, err error)

	crawlers []*Crawler
	ledger   sppcrawl.CrawlLog
}

// NewGroup makes the crawlers of cfgs, one per site, storing into
// archive. Two configs of one host are refused: their walks would share
// the records and the pace the group keeps apart.
func NewGroup(cfgs []Config, archive Archive) (*Group, error) {
	g := &Group{ledger: archive}
	seen := map[string]bool{}
	for _, cfg := range cfgs {
		cfg.defaultSite() // as New does: the logger names it by its key
		if cfg.Logger != nil {
			cfg.Logger = cfg.Logger.With("site", cfg.Site.Key())
		}
		cfg.Progress = nil // one bar per site would garble the terminal: log lines instead
		c, err := New(cfg, archive)
		if err != nil {
			return nil, fmt.Errorf("crawl %s: %w", cfg.Site.Key(), err)
		}
		if h := strings.ToLower(c.site.Host()); seen[h] {
			return nil, fmt.Errorf("crawl %s: the site is named twice", h)
		} else {
			seen[h] = true
		}
		c.grouped = true
		g.crawlers = append(g.crawlers, c)
	}
	if len(g.crawlers) == 0 {
		return nil, errors.New("crawl: no site")
	}
	return g, nil
}

// Run crawls every site at once and returns the summary of them all: a
// site whose run failed (pages failed, warnings, an error) is named in the
// error, the others' articles stored all the same. Cancelling ctx stops
// every site as Run does one.
func (g *Group) Run(ctx context.Context) (sppcrawl.RunSummary, error) {
	sums := make([]sppcrawl.RunSummary, len(g.crawlers))
	errs := make([]error, len(g.crawlers))
	var wg sync.WaitGroup
	for i, c := range g.crawlers {
		wg.Go(func() {
			sums[i], errs[i] = c.Run(ctx)
			if g.SiteDone != nil {
				g.SiteDone(c.site, sums[i], errs[i])
			}
		})
	}
	wg.Wait()
	sum, err := g.merge(sums, errs)
	if perr := g.ledger.PutRun(context.WithoutCancel(ctx), sum); perr != nil {
		err = errors.Join(err, fmt.Errorf("record the run: %w", perr))
	}
	return sum, err
}

// merge adds up the sites' summaries; the error names each site that did
// not end ok, with why.
func (g *Group) merge(sums []sppcrawl.RunSummary, errs []error) (sppcrawl.RunSummary, error) {
	var all sppcrawl.RunSummary
	var failed []error
	for i, s := range sums {
		key := g.crawlers[i].site.Key()
		addSummary(&all, s, key)
		err := errs[i]
		if err == nil {
			err = s.Err()
		}
		if err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", key, err))
		}
	}
	all.Outcome = worstOutcome(sums)
	if len(failed) > 0 {
		err := fmt.Errorf("crawl of %d sites: %d did not end ok: %w", len(sums), len(failed), siteErrors(failed))
		all.Error = err.Error()
		return all, err
	}
	return all, nil
}

// siteErrors are the errors of the sites whose run did not end ok, said on
// one line (the cron mail's), each still found by errors.Is.
type siteErrors []error

func (e siteErrors) Error() string {
	s := make([]string, len(e))
	for i, err := range e {
		s[i] = err.Error()
	}
	return strings.Join(s, "; ")
}

func (e siteErrors) Unwrap() []error { return e }

// addSummary adds s, the summary of site key, to all; its warnings and
// the walks it left are named after the site.
func addSummary(all *sppcrawl.RunSummary, s sppcrawl.RunSummary, key string) {
	if all.Started.IsZero() || s.Started.Before(all.Started) {
		all.Started = s.Started
	}
	if s.Finished.After(all.Finished) {
		all.Finished = s.Finished
	}
	for _, p := range []struct{ to, from *int }{
		{&all.Channels, &s.Channels}, {&all.ListPages, &s.ListPages}, {&all.Created, &s.Created},
		{&all.Updated, &s.Updated}, {&all.Unchanged, &s.Unchanged}, {&all.Aliased, &s.Aliased},
		{&all.Failures, &s.Failures}, {&all.Gone, &s.Gone}, {&all.Recovered, &s.Recovered},
		{&all.Rechecked, &s.Rechecked}, {&all.Withdrawn, &s.Withdrawn}, {&all.Restored, &s.Restored},
		{&all.Media, &s.Media}, {&all.MediaFiles, &s.MediaFiles}, {&all.MediaMissing, &s.MediaMissing},
		{&all.Requests, &s.Requests},
	} {
		*p.to += *p.from
	}
	for _, w := range s.Warnings {
		all.Warnings = append(all.Warnings, key+": "+w)
	}
	for _, r := range s.Resuming {
		all.Resuming = append(all.Resuming, key+" "+r)
	}
}

// worstOutcome is the outcome of a run of several sites: the worst of
// theirs (an error before a block, an interruption, failures, ok).
func worstOutcome(sums []sppcrawl.RunSummary) sppcrawl.RunOutcome {
	rank := map[sppcrawl.RunOutcome]int{sppcrawl.RunOK: 0, sppcrawl.RunFailures: 1, sppcrawl.RunInterrupted: 2,
		sppcrawl.RunBlocked: 3, sppcrawl.RunError: 4}
	worst := sppcrawl.RunOK
	for _, s := range sums {
		if rank[s.Outcome] > rank[worst] {
			worst = s.Outcome
		}
	}
	return worst
}
