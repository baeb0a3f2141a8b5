package crawler

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl"
	"sppcrawl/extract"
)

func (r *run) onRequest(req *colly.Request) {
	in := infoOf(req.Ctx)
	if r.storedMeanwhile(in, req.URL.String()) {
		req.Abort()
		r.detailFinished()
		r.settled(in)
		return
	}
	if r.stopped() || !r.pace.wait(r.signalled, r.aborted) {
		req.Abort()
		if slotted(in.kind) {
			r.detailFinished() // an aborted request gets no callback
		}
	}
}

// visitList requests page of channel's list, as part of chain (news or
// walk).
func (r *run) visitList(channel string, page int, ch chain) {
	cr := r.chanOf(channel)
	if r.stopped() {
		return
	}
	u := r.c.site.ListPageURL(channel, page)
	if denied, ok := r.listAllowed(u, channel, page); !ok {
		// No run may go further: the chain ends here, rather than leave a
		// walk that every later run would resume and stop at again.
		r.disallowed(denied)
		r.chainEnded(cr, ch, true, false)
		return
	}
	if !r.claim(u) {
		return // the other chain has it
	}
	in := &reqInfo{kind: kindList, channel: channel, page: page, chain: ch, form: int(r.listForm.Load())}
	hdr := http.Header{}
	// Page 1 of the news chain asks whether anything changed since a walk
	// that ran to its end: a 304 means no news.
	if page == 1 && ch == chainNews && !r.c.cfg.Refresh {
		if cr.state.ETag != "" {
			hdr.Set("If-None-Match", cr.state.ETag)
		}
		if cr.state.LastModified != "" {
			hdr.Set("If-Modified-Since", cr.state.LastModified)
		}
	}
	if _, err := r.c.sendList(r.col, u, channel, page, in, hdr); err != nil {
		r.failure(in, u, 0, err, false)
	}
}

// claim reports whether u is fetched for the first time in this run, and
// from now on it is not. It is the run's one set of visited URLs (colly's
// own is off): lists, articles, rechecks and media files all claim theirs.
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
func (r *run) queueDetail(u, channel string, page int, item *sppcrawl.ListItem) bool {
	return r.queueInfo(u, &reqInfo{kind: kindDetail, channel: channel, listPos: page, item: item})
}

// queueInfo requests the article page u as in says and reports whether it
// was queued.
func (r *run) queueInfo(u string, in *reqInfo) bool {
	if !r.claim(u) || r.stopped() {
		return false
	}
	if !r.robots.allowed(u) {
		r.disallowed(u)
		return false
	}
	if err := r.request(u, in, nil); err != nil {
		r.failure(&reqInfo{kind: kindDetail, channel: in.channel}, u, 0, err, false)
		return false
	}
	return true
}

func (r *run) onResponse(resp *colly.Response) {
	if retried := r.handle(resp); !retried && slotted(infoOf(resp.Ctx).kind) {
		r.detailFinished()
	}
}

// handle deals with one response and reports whether it was scheduled again.
func (r *run) handle(resp *colly.Response) (retried bool) {
	in := infoOf(resp.Ctx)
	if in.kind == kindMedia {
		return r.mediaFile(resp)
	}
	u, err := r.c.canonicalOf(resp.Request.URL)
	if name, ok := listName(in); ok {
		u, err = name, nil
	}
	if err != nil {
		r.failure(in, resp.Request.URL.String(), resp.StatusCode, err, true)
		return false
	}
	status := resp.StatusCode
	if r.c.refusedForm(in, status) {
		r.nextForm(in)
		return false
	}
	if status != http.StatusOK && extract.IsChallenge(resp.Body, resp.Headers.Get("Content-Type")) {
		r.blocked(u)
		return false
	}
	switch {
	case status == http.StatusNotModified && in.kind == kindList:
		r.listNotModified(in)
	case status == http.StatusNotModified && in.recheck:
		r.confirmed(u)
	case status >= 200 && status < 300 && in.kind == kindList:
		return r.list(resp, in, u)
	case status >= 200 && status < 300:
		return r.detail(resp, in, u)
	case (status == http.StatusNotFound || status == http.StatusGone) && in.kind == kindList:
		r.listPages.Add(1)
		if in.page == 1 {
			r.indexGone(r.chanOf(in.channel), u, status, resp.Body, "")
			r.listFailed(in.channel, in.chain)
		} else {
			r.failure(in, u, status, fmt.Errorf("HTTP %d", status), false)
		}
	case status == http.StatusNotFound || status == http.StatusGone:
		r.failure(in, u, status, fmt.Errorf("HTTP %d", status), true)
	case status == http.StatusTooManyRequests || status >= 500:
		after := retryAfter(resp.Headers, r.c.cfg.Now())
		if r.retry(resp.Request, after) {
			return true
		}
		r.transient(resp.Request, u, status, fmt.Errorf("HTTP %d", status), after)
	default:
		r.failure(in, u, status, fmt.Errorf("HTTP %d", status), false)
	}
	return false
}

func (r *run) onError(resp *colly.Response, err error) {
	in := infoOf(resp.Ctx)
	u := resp.Request.URL.String()
	if cu, cerr := r.c.canonicalOf(resp.Request.URL); cerr == nil {
		u = cu
	}
	if name, ok := listName(in); ok {
		u = name
	}
	if in.kind == kindMedia {
		u = in.url
	}
	if r.fatal.Load() != nil || errors.Is(err, colly.ErrAbortedBeforeRequest) {
		// The run is stopping: not a failure of the page.
		if slotted(in.kind) {
			r.detailFinished()
		}
		return
	}
	retryable := retryableErr(err)
	if retryable && r.retry(resp.Request, 0) {
		return
	}
	if slotted(in.kind) {
		r.detailFinished()
	}
	if retryable {
		r.transient(resp.Request, u, resp.StatusCode, err, 0)
	} else {
		r.failure(in, u, resp.StatusCode, err, false)
	}
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

// unusable handles the two answers no page of any kind can be used from: a
// challenge (the run stops) and a page cut short (retried like a reset, then
// given the final pass; never stored, never taken for gone). handled says
// err was one of them.
func (r *run) unusable(resp *colly.Response, u string, err error) (handled, retried bool) {
	switch {
	case errors.Is(err, extract.ErrChallenge):
		r.blocked(u)
		return true, false
	case errors.Is(err, sppcrawl.ErrIncomplete):
		if r.retry(resp.Request, 0) {
			return true, true
		}
		r.transient(resp.Request, u, resp.StatusCode, err, 0)
		return true, false
	}
	return false, false
}

func (r *run) listNotModified(in *reqInfo) {
	r.listPages.Add(1)
	cr := r.chanOf(in.channel)
	r.mu.Lock()
	cr.etag, cr.lm = cr.state.ETag, cr.state.LastModified
	total := cr.state.OKTotal
	r.mu.Unlock()
	// The index is as a complete walk saw it, and such a walk saw a list.
	r.setHealth(cr, sppcrawl.HealthOK, "", total)
	r.newsEnded(cr, true, false)
}

// list handles a list page answered 2xx and reports whether it was
// scheduled again.
func (r *run) list(resp *colly.Response, in *reqInfo, u string) (retried bool) {
	cr := r.chanOf(in.channel)
	var l *extract.List
	err := r.c.tooBig(resp)
	if err == nil {
		l, err = r.c.site.ParseList(resp.Body, u, resp.Headers.Get("Content-Type"))
	}
	if handled, retried := r.unusable(resp, u, err); handled {
		return retried
	}
	if err != nil && errors.Is(err, extract.ErrNotList) && r.c.hasNextForm(in) {
		r.nextForm(in) // a service that does not read this form may answer 200 all the same
		return false
	}
	r.listPages.Add(1)
	switch {
	case err != nil && in.page == 1 && errors.Is(err, extract.ErrNotList):
		r.indexGone(cr, u, resp.StatusCode, resp.Body, resp.Headers.Get("Content-Type"))
		r.listFailed(in.channel, in.chain)
		return false
	case err != nil:
		r.failure(in, u, resp.StatusCode, err, false)
		return false
	}
	if in.page == 1 && !r.indexListed(cr, l, resp.Headers) {
		r.chainEnded(cr, in.chain, false, false)
		return false
	}
	r.clearFailure(u)
	r.recovered(in)
	if len(l.Items) == 0 {
		r.chainEnded(cr, in.chain, true, false)
		return false
	}
	unseen, queued, old, ok := r.queueItems(cr, in, l)
	if !ok || r.stopped() {
		return false // some items may not have been queued: the page is not handled
	}
	if in.chain == chainWalk {
		r.walkListed(cr, in.page, queued, l.PageCount)
	}
	r.nextList(cr, in, l, unseen, old)
	return false
}

// indexListed records what page 1 of a channel shows: its health, pager,
// name, top item and validators. It is false for a page of the navigation
// to pass over (see sitemap.go).
func (r *run) indexListed(cr *chanRun, l *extract.List, h *http.Header) bool {
	if !r.listHealth(cr, l) {
		return false
	}
	r.mu.Lock()
	cr.etag, cr.lm = h.Get("ETag"), h.Get("Last-Modified")
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
	return true
}

// queueItems queues the articles of a list page that are not stored (all of
// them with --refresh) and records those not stored as seen. old says the
// page reaches below the walk's date; ok is false when the run failed.
func (r *run) queueItems(cr *chanRun, in *reqInfo, l *extract.List) (unseen, queued int, old, ok bool) {
	var since time.Time
	walkPage := 0
	if in.chain == chainWalk {
		since, walkPage = cr.walk.Since, in.page
	}
	var seen []sppcrawl.Seen
	for _, it := range l.Items {
		if !r.c.site.IsArticleURL(it.URL) {
			continue
		}
		if !since.IsZero() && !it.Date.IsZero() && it.Date.Before(since) {
			old = true
			continue
		}
		known, err := r.known(it.URL)
		if err != nil {
			r.fail(err)
			return 0, 0, false, false
		}
		if !known {
			unseen++
			seen = append(seen, sppcrawl.Seen{URL: it.URL, Title: it.Title})
		}
		if (!known || r.c.cfg.Refresh) && r.queueDetail(it.URL, in.channel, walkPage, listedItem(it)) {
			queued++
		}
	}
	if err := r.c.ledger.MarkSeen(r.ctx, in.channel, seen); err != nil {
		r.fail(err)
		return 0, 0, false, false
	}
	return unseen, queued, old, true
}

// nextList decides where a chain goes after a page it handled: on to the
// next page, or to its end.
func (r *run) nextList(cr *chanRun, in *reqInfo, l *extract.List, unseen int, old bool) {
	next := in.page + 1
	switch {
	case next > l.PageCount || old:
		r.chainEnded(cr, in.chain, true, false) // the end of the list, or of the wanted dates
	case in.chain == chainNews && unseen == 0 && !r.c.cfg.Refresh && cr.trusted(l):
		r.chainEnded(cr, in.chain, true, false) // nothing new down to the last complete walk
	case in.chain == chainNews && cr.walk != nil && !cr.walkFrom1 && next >= cr.walk.Next:
		r.chainEnded(cr, in.chain, false, true) // the resumed walk takes it from here
	case r.c.cfg.MaxPages > 0 && next > r.c.cfg.MaxPages:
		r.chainEnded(cr, in.chain, false, false) // cut by --max-pages: resumed by a later run
	default:
		r.visitList(in.channel, next, in.chain)
	}
}

// chainEnded is called when a chain of list pages stops: natural says it
// reached its end.
func (r *run) chainEnded(cr *chanRun, ch chain, natural, handover bool) {
	if ch == chainNews {
		r.newsEnded(cr, natural, handover)
		return
	}
	if natural {
		r.walkEnded(cr)
	}
}

// detail handles an article page answered 2xx and reports whether it was
// scheduled again.
func (r *run) detail(resp *colly.Response, in *reqInfo, u string) (retried bool) {
	a, raw, gone, err := r.c.articleOf(resp, u, in.item)
	if handled, retried := r.unusable(resp, u, err); handled {
		return retried
	}
	if err != nil {
		if errors.Is(err, extract.ErrUnknownLayout) {
			r.keepUnparsed(in, raw)
		}
		r.failure(in, u, resp.StatusCode, err, gone)
		return false
	}
	if r.fatal.Load() != nil {
		return false // a challenge elsewhere: store nothing more
	}
	files, err := r.readAttached(a, resp.Body)
	if err != nil {
		if !r.stopped() {
			r.failure(in, u, resp.StatusCode, err, false)
		}
		return false
	}
	res, err := r.c.articles.Upsert(r.ctx, a, raw)
	if err != nil {
		r.c.log.Error("store failed: stopping the run", "url", u, "err", err)
		r.fail(err)
		return false
	}
	r.count(res.Outcome)
	if r.c.cfg.Stored != nil {
		r.c.cfg.Stored(a, res)
	}
	if res.Outcome == sppcrawl.Created {
		r.created(in.channel, a)
	}
	r.keepAttached(res.ID, files)
	if res.Outcome == sppcrawl.Created || res.Outcome == sppcrawl.Updated {
		r.wantMedia(res.ID, in.channel)
	}
	r.c.log.Debug("stored", "url", u, "id", res.ID, "outcome", res.Outcome.String(), "seq", res.Seq)
	r.clearFailure(u)
	r.recovered(in)
	r.settled(in)
	return false
}

// keepUnparsed counts a page of no known template against its channel,
// naming the first, and keeps its raw page for reextract.
func (r *run) keepUnparsed(in *reqInfo, raw *sppcrawl.RawPage) {
	r.mu.Lock()
	if cr := r.chans[in.channel]; cr != nil {
		cr.unknown++
		if cr.unknownURL == "" {
			cr.unknownURL = raw.URL
		}
	}
	r.mu.Unlock()
	if r.c.unparsed == nil {
		return
	}
	if err := r.c.unparsed.KeepUnparsed(r.ctx, raw); err != nil {
		// The failure log keeps the URL: the next crawl fetches it again.
		r.c.log.Error("the page of no known template was not kept", "url", raw.URL, "err", err)
	}
}

// count adds an upsert's outcome to the summary.
func (r *run) count(o sppcrawl.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch o {
	case sppcrawl.Created:
		r.sum.Created++
	case sppcrawl.Updated:
		r.sum.Updated++
	case sppcrawl.Unchanged:
		r.sum.Unchanged++
	case sppcrawl.Aliased:
		r.sum.Aliased++
	case sppcrawl.Restored:
		r.sum.Restored++
	}
}
