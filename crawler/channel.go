package crawler

import (
	"fmt"
	"slices"
	"time"

	"sppcrawl"

	"sppcrawl/extract"
)

// A run walks each channel's list pages in up to two chains:
//
//   - the news chain, from page 1, stops at the first page whose items are
//     all stored, provided that page reaches down to where the last complete
//     walk began (ChannelState.CompleteURL): only then is everything below it
//     known to be handled;
//   - the walk chain is a backfill (--full, --since DATE, the first run's 30
//     days). A run that asks for one walks it from page 1 and it is the news
//     chain too; a walk left unfinished by an earlier run (killed,
//     interrupted, stopped by a failure, cut by --max-pages) is resumed
//     where it stopped, once the news chain is done.
//
// The walk is in the archive from its first request on, with the first page
// not yet handled whole: a page is handled when it was parsed and every
// article it led to is stored or in the failure log. A SIGKILL at any moment
// leaves that watermark at or before what is really done.

// chanRun is one channel's walk in this run.
type chanRun struct {
	ch       sppcrawl.Channel
	state    sppcrawl.ChannelState
	etag, lm string
	failed   bool // a list page failed: its old validators are kept

	walk      *sppcrawl.Walk // the backfill this run carries, nil: news only
	walkFrom1 bool           // the walk starts at page 1 and is the news chain too
	newsEnd   bool           // the news chain reached its natural end
	handover  bool           // the news chain stopped where the resumed walk starts
	walkEnd   bool           // the walk chain reached its natural end
	resumed   bool           // the walk was left by an earlier run
	started   bool           // the walk chain has been started

	listed  map[int]bool // pages of the walk chain parsed
	pending map[int]int  // their articles not yet settled

	fill       sppcrawl.Fill // of the articles created in this run
	unknown    int           // pages of unknown layout met at its article URLs
	unknownURL string        // the first of them
	probe      bool          // met in the navigation by a crawl of the whole site (see sitemap.go)
}

// planWalk decides the channel's walk for this run: its own (own, may be
// nil), the one an earlier run left (in state.Walk), or both merged.
func (cr *chanRun) planWalk(own *sppcrawl.Walk) {
	pending := cr.state.Walk
	switch {
	case own == nil && pending == nil:
		return
	case own == nil && pending.Pages > 0 && pending.Next > pending.Pages:
		// Every page was handled; only the run that did it did not live to
		// say so.
		cr.walk, cr.resumed, cr.started, cr.walkEnd = pending, true, true, true
		return
	case own == nil:
		cr.walk, cr.resumed = pending, true
		cr.walkFrom1 = pending.Next <= 1
		return
	case pending != nil && covers(pending, own):
		// Walk from page 1 as asked, but as far as the earlier walk meant to.
		own.Kind, own.Since = pending.Kind, pending.Since
	}
	cr.walk, cr.walkFrom1 = own, true
}

// covers reports whether walk a reaches at least as far back as b.
func covers(a, b *sppcrawl.Walk) bool {
	switch {
	case a.Kind == sppcrawl.WalkFull:
		return true
	case b.Kind == sppcrawl.WalkFull:
		return false
	}
	return !a.Since.After(b.Since)
}

// trusted reports whether the news chain may stop at a page whose items are
// all stored: the page reaches down to the top of the last complete walk.
func (cr *chanRun) trusted(l *extract.List) bool {
	top, date := cr.state.CompleteURL, cr.state.CompleteDate
	if top == "" {
		top, date = cr.state.NewestURL, cr.state.NewestDate // archives of sppcrawl 0.1
	}
	if top == "" {
		return false
	}
	for _, it := range l.Items {
		if it.URL == top {
			return true
		}
	}
	last := l.Items[len(l.Items)-1].Date
	return !last.IsZero() && !date.IsZero() && last.Before(truncDay(date))
}

func truncDay(t time.Time) time.Time {
	t = t.In(sppcrawl.CST())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, sppcrawl.CST())
}

// complete reports whether the channel's news were walked to their end in
// this run, so that the top of page 1 may become the new CompleteURL.
func (cr *chanRun) complete() bool {
	return !cr.failed && (cr.newsEnd || cr.handover && cr.walkEnd || cr.walkFrom1 && cr.walkEnd)
}

// startWalk begins the walk chain, when the run has one and it was not the
// news chain itself.
func (r *run) startWalk(cr *chanRun) {
	r.mu.Lock()
	w := cr.walk
	start := w != nil && !cr.walkFrom1 && !cr.started && !r.stopped()
	if start {
		cr.started = true
	}
	r.mu.Unlock()
	if start {
		r.c.log.Info("resuming an unfinished walk", "channel", cr.ch.Key, "from", w.String())
		r.visitList(cr.ch.Path, w.Next, chainWalk)
	}
}

// newsEnded is called when the news chain of a channel ends, naturally or not.
func (r *run) newsEnded(cr *chanRun, natural, handover bool) {
	r.mu.Lock()
	cr.newsEnd, cr.handover = natural, handover
	r.mu.Unlock()
	r.startWalk(cr)
}

// walkListed records a parsed page of the walk chain and the articles it
// queued; walkEnded that the chain reached its natural end.
func (r *run) walkListed(cr *chanRun, page, queued, pageCount int) {
	r.mu.Lock()
	cr.listed[page] = true
	cr.pending[page] += queued
	if cr.walk != nil {
		cr.walk.Pages = pageCount
	}
	r.mu.Unlock()
	r.advance(cr)
}

func (r *run) walkEnded(cr *chanRun) {
	r.mu.Lock()
	cr.walkEnd = true
	r.mu.Unlock()
}

// settled is called when an article is stored or recorded for good (in the
// failure log, gone, confirmed): its list page is one article nearer done.
func (r *run) settled(in *reqInfo) {
	page := in.listPos
	if page == 0 {
		return
	}
	cr := r.chanOf(in.channel)
	r.mu.Lock()
	cr.pending[page]--
	r.mu.Unlock()
	r.advance(cr)
}

// advance moves the walk's watermark over the pages now handled whole and
// records it, so a killed run resumes from there.
func (r *run) advance(cr *chanRun) {
	r.mu.Lock()
	w := cr.walk
	if w == nil {
		r.mu.Unlock()
		return
	}
	moved := false
	for cr.listed[w.Next] && cr.pending[w.Next] <= 0 {
		w.Next++
		moved = true
	}
	st := cr.state
	st.Walk = w.Copy()
	r.mu.Unlock()
	if moved {
		if err := r.c.ledger.PutChannelState(r.ctx, st); err != nil {
			r.fail(err)
		}
	}
}

// allSettled reports whether every article of the walk's pages is stored
// or recorded (none was left by a stop).
func (cr *chanRun) allSettled() bool {
	for p := range cr.listed {
		if cr.pending[p] > 0 {
			return false
		}
	}
	return true
}

func (r *run) chanOf(path string) *chanRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.chans[path]
}

// setHealth records what the index page of a channel showed; anything but
// ok is a warning of the run.
func (r *run) setHealth(cr *chanRun, health sppcrawl.Health, reason string, total int) {
	r.mu.Lock()
	st := &cr.state
	if st.Health != health {
		st.HealthSince = r.sum.Started
	}
	st.Health, st.HealthReason = health, reason
	if health == sppcrawl.HealthOK {
		st.OKTotal = total
	}
	r.mu.Unlock()
	if health != sppcrawl.HealthOK {
		r.warn(fmt.Sprintf("%s: %s: %s", cr.ch.Label(), health, reason), "channel", cr.ch.Key, "path", cr.ch.Path, "health", string(health))
	}
}

// warn records a warning of the run: logged at once, listed in the summary,
// making the outcome failures.
func (r *run) warn(msg string, args ...any) {
	r.mu.Lock()
	r.sum.Warnings = append(r.sum.Warnings, msg)
	r.mu.Unlock()
	r.c.log.Warn(msg, args...)
}

// listHealth judges a parsed index page: empty, or shrunk since the last ok
// run (the pager's total fell by more than half). A channel of the
// navigation seen for the first time that lists no article of the site's
// own is passed over (false).
func (r *run) listHealth(cr *chanRun, l *extract.List) bool {
	if r.probing(cr) {
		if r.c.onSiteArticles(itemURLs(l)) == 0 {
			r.passOver(cr, sppcrawl.KindNoArticles, l.URL+" lists no article of the site")
			return false
		}
	}
	r.mu.Lock()
	cr.state.Kind = sppcrawl.KindList
	r.mu.Unlock()
	switch ok := cr.state.OKTotal; {
	case len(l.Items) == 0:
		r.setHealth(cr, sppcrawl.HealthEmpty, fmt.Sprintf("%s lists no article", l.URL), l.Total)
	case ok > 0 && l.Total > 0 && l.Total*2 < ok:
		r.setHealth(cr, sppcrawl.HealthShrunk, fmt.Sprintf("its pager announces %d articles, %d at the last ok run", l.Total, ok), l.Total)
	default:
		r.setHealth(cr, sppcrawl.HealthOK, "", l.Total)
	}
	return true
}

// indexGone judges an index page that is no list. A channel of the
// navigation never seen as a list is passed over, quietly.
func (r *run) indexGone(cr *chanRun, u string, status int, body []byte, contentType string) {
	if r.probing(cr) {
		r.passOver(cr, sppcrawl.KindNotList, fmt.Sprintf("%s: HTTP %d, %s", u, status, r.c.site.PageKind(body, contentType)))
		return
	}
	if status == 404 || status == 410 {
		r.setHealth(cr, sppcrawl.HealthMissing, fmt.Sprintf("%s answers HTTP %d", u, status), 0)
		return
	}
	switch kind := r.c.site.PageKind(body, contentType); kind {
	case sppcrawl.PageHomepage:
		r.setHealth(cr, sppcrawl.HealthMissing, fmt.Sprintf("%s answers with the site's homepage (its answer to unknown paths)", u), 0)
	default:
		r.setHealth(cr, sppcrawl.HealthNotAList, fmt.Sprintf("%s is a page of kind %q, not a list", u, kind), 0)
	}
}

// created counts an article created in this run for the drift warning.
func (r *run) created(channel string, a *sppcrawl.Article) {
	cr := r.chanOf(channel)
	if cr == nil {
		return
	}
	r.mu.Lock()
	cr.fill = cr.fill.Add(sppcrawl.FillOf(a), 1)
	r.mu.Unlock()
}

// minDrift is how many new pages a run must store of a channel before their
// fields are compared with the channel's usual ones.
const minDrift = 5

// drift compares the fields of the channel's new pages with those of its
// stored articles: a field usually filled (≥ 90 %) that is empty on more than
// half of the new pages says the page template changed. A page of no known
// template says so too, named, however few.
func (r *run) drift(cr *chanRun) {
	found, judged := r.fieldDrift(cr)
	if cr.unknown > 0 {
		found = append(found, fmt.Sprintf("%s: %d of %d new pages are of no known layout (%s): has the page template changed? (their pages are kept: sppcrawl reextract reads them once the site's adapter does)",
			cr.ch.Label(), cr.unknown, cr.fill.Articles+cr.unknown, cr.unknownURL))
		judged = true
	}
	for _, msg := range found {
		r.warn(msg, "channel", cr.ch.Key)
	}
	if !judged {
		return
	}
	r.mu.Lock()
	cr.state.Drift = slices.Clone(found)
	r.mu.Unlock()
}

// fieldDrift is the fields usually filled that are empty on more than half
// of the channel's new pages; judged is false when the run stored too few
// of them to tell.
func (r *run) fieldDrift(cr *chanRun) (found []string, judged bool) {
	n := cr.fill.Articles + cr.unknown
	if n < minDrift {
		return nil, false
	}
	all, err := r.c.ledger.FillStats(r.ctx, cr.ch.Path)
	if err != nil {
		r.fail(err)
		return nil, false
	}
	base := all.Add(cr.fill, -1)
	if base.Articles < minDrift {
		return nil, true
	}
	news := cr.fill.Fields()
	for i, f := range base.Fields() {
		empty := n - news[i].N
		if f.N*100 >= 90*base.Articles && empty*2 > n {
			found = append(found, fmt.Sprintf("%s: %s empty on %d of %d new pages, usually %d %%: has the page template changed?",
				cr.ch.Label(), f.Name, empty, n, f.N*100/base.Articles))
		}
	}
	return found, true
}
