package crawler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"sppcrawl"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

// FetchArticle fetches one article page now and extracts it, without storing
// anything: the caller decides (sppcrawl fetch, or its --dry-run). An off-site
// URL is refused before any request is made. Retries follow the crawl's rules.
func (c *Crawler) FetchArticle(ctx context.Context, rawURL string) (*sppcrawl.Article, *sppcrawl.RawPage, error) {
	return c.fetchArticle(ctx, rawURL, nil)
}

// fetchArticle is FetchArticle of a page read with the list item that
// listed it (nil: none).
func (c *Crawler) fetchArticle(ctx context.Context, rawURL string, item *sppcrawl.ListItem) (*sppcrawl.Article, *sppcrawl.RawPage, error) {
	u, err := c.site.CanonicalURL(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	rules, err := c.loadRobots(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if !rules.allowed(u) {
		return nil, nil, fmt.Errorf("fetch %s: robots.txt disallows it (--ignore-robots to override)", u)
	}
	col := c.newCollector(ctx, false, 1)
	var (
		art     *sppcrawl.Article
		raw     *sppcrawl.RawPage
		lastErr error
	)
	col.OnResponse(func(resp *colly.Response) {
		a, r, retrying, err := c.fetched(ctx, resp, item)
		if retrying {
			return
		}
		art, raw, lastErr = a, r, nil
		if err != nil {
			lastErr = fmt.Errorf("fetch %s: %w", u, err)
		}
	})
	col.OnError(func(resp *colly.Response, err error) {
		if retryableErr(err) && c.retryLater(resp.Request, 0, ctx.Done(), nil) {
			return
		}
		lastErr = fmt.Errorf("fetch %s: %w", u, err)
	})
	if err := col.Visit(u); err != nil && lastErr == nil {
		lastErr = fmt.Errorf("fetch %s: %w", u, err)
	}
	if art == nil && lastErr == nil {
		lastErr = fmt.Errorf("fetch %s: no response", u)
	}
	if art != nil && lastErr == nil {
		// Its files are archived by the media phase, as any attachment.
		if _, err := c.attachedText(ctx, art, raw.Body, rules.allowed, func() bool { return ctx.Err() == nil },
			func(msg string) { c.log.Warn(msg, "url", u) }); err != nil {
			art, raw, lastErr = nil, nil, fmt.Errorf("fetch %s: %w", u, err)
		}
	}
	return art, raw, lastErr
}

// fetched is FetchArticle's reading of an answer: the article, or why
// there is none; retrying when the request was queued again (a 429, 5xx or
// page cut short that has attempts left).
func (c *Crawler) fetched(ctx context.Context, resp *colly.Response, item *sppcrawl.ListItem) (*sppcrawl.Article, *sppcrawl.RawPage, bool, error) {
	status := resp.StatusCode
	switch {
	case extract.IsChallenge(resp.Body, resp.Headers.Get("Content-Type")):
		return nil, nil, false, ErrBlocked
	case status == http.StatusTooManyRequests || status >= 500:
		if c.retryLater(resp.Request, retryAfter(resp.Headers, c.cfg.Now()), ctx.Done(), nil) {
			return nil, nil, true, nil
		}
		return nil, nil, false, fmt.Errorf("HTTP %d after %d attempts", status, infoOf(resp.Ctx).attempts())
	case status == http.StatusNotFound || status == http.StatusGone:
		return nil, nil, false, &goneError{status, fmt.Errorf("HTTP %d", status)}
	case status != http.StatusOK:
		return nil, nil, false, fmt.Errorf("HTTP %d", status)
	}
	final, err := c.canonicalOf(resp.Request.URL)
	if err != nil {
		return nil, nil, false, err
	}
	art, raw, gone, err := c.articleOf(resp, final, item)
	switch {
	case errors.Is(err, sppcrawl.ErrIncomplete) && c.retryLater(resp.Request, 0, ctx.Done(), nil):
		return nil, nil, true, nil
	case gone:
		return nil, nil, false, &goneError{status, err}
	}
	return art, raw, false, err
}

// goneError is an answer that says the page is gone, as a crawl reads
// answers: 404/410, the homepage or a page of another kind, not HTML, over
// the size cap.
type goneError struct {
	status int
	err    error
}

func (e *goneError) Error() string { return e.err.Error() }
func (e *goneError) Unwrap() error { return e.err }

// reason is the sighting's reason, in the words of a crawl's.
func (e *goneError) reason() string { return fmt.Sprintf("HTTP %d: %v", e.status, e.err) }

// tooBig refuses an answer over the size cap: colly stops reading at the cap
// plus one byte, so the page is cut and must not be used.
func (c *Crawler) tooBig(resp *colly.Response) error {
	if len(resp.Body) > c.cfg.MaxBody {
		return fmt.Errorf("body larger than --max-body (%d bytes): not read whole", c.cfg.MaxBody)
	}
	return nil
}

// articleOf extracts the article of a detail page answered 2xx at canonical
// URL u, with its raw page. gone says the failure will not heal by retrying:
// a page over the size cap, not HTML, or a page of another known kind.
func (c *Crawler) articleOf(resp *colly.Response, u string, item *sppcrawl.ListItem) (a *sppcrawl.Article, raw *sppcrawl.RawPage, gone bool, err error) {
	ct := resp.Headers.Get("Content-Type")
	if err := c.tooBig(resp); err != nil {
		return nil, nil, true, err
	}
	if !isHTML(ct, resp.Body) {
		return nil, nil, true, fmt.Errorf("not an HTML page (Content-Type %q)", ct)
	}
	now := c.cfg.Now()
	raw = &sppcrawl.RawPage{URL: u, Status: resp.StatusCode, ContentType: ct, ETag: resp.Headers.Get("ETag"),
		LastModified: resp.Headers.Get("Last-Modified"), FetchedAt: now, Body: resp.Body}
	if item != nil {
		raw.Listed = item.Record
	}
	a, err = c.parseListed(resp.Body, u, ct, item)
	if errors.Is(err, extract.ErrUnknownLayout) {
		return nil, raw, false, err // kept for reextract (see keepUnparsed)
	}
	if err != nil {
		// Only a page that says what it is (the homepage, a list, an error
		// page) shows the article is gone; an unknown layout does not.
		return nil, nil, errors.Is(err, extract.ErrNotArticle), err
	}
	a.FetchedAt = now
	return a, raw, false, nil
}

// retryLater re-sends req after a backoff (or Retry-After, when longer),
// unless its attempts are used up, the wait would exceed RetryMax, or stop1 or
// stop2 closes first (a nil channel never does).
func (c *Crawler) retryLater(req *colly.Request, after time.Duration, stop1, stop2 <-chan struct{}) bool {
	in := infoOf(req.Ctx)
	n := in.attempts()
	if n >= c.cfg.MaxAttempts || after > c.cfg.RetryMax {
		return false
	}
	wait := max(c.backoff(n), after)
	in.attempt = n
	c.cfg.Observer.Retried(c.tr.kindOf(req.URL))
	c.log.Debug("retrying", "url", req.URL.String(), "attempt", n+1, "wait", wait)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-stop1:
		return false
	case <-stop2:
		return false
	case <-t.C:
	}
	return req.Retry() == nil
}

// Discover reads the site's homepage (through the origin, after robots.txt)
// and lists the channels its navigation links to.
func (c *Crawler) Discover(ctx context.Context) ([]sppcrawl.Channel, error) {
	home := c.site.HomeURL()
	rules, err := c.loadRobots(ctx)
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	if !rules.allowed(home) {
		return nil, fmt.Errorf("discover: robots.txt disallows %s", home)
	}
	col := c.newCollector(ctx, false, 1)
	var chans []sppcrawl.Channel
	var lastErr error
	col.OnResponse(func(resp *colly.Response) {
		chans, lastErr = c.site.ParseNav(resp.Body, home, resp.Headers.Get("Content-Type"))
	})
	col.OnError(func(resp *colly.Response, err error) {
		if retryableErr(err) && c.retryLater(resp.Request, 0, ctx.Done(), nil) {
			return
		}
		lastErr = err
	})
	if err := col.Visit(home); err != nil && lastErr == nil {
		lastErr = err
	}
	if lastErr != nil {
		return nil, fmt.Errorf("discover from %s: %w", home, lastErr)
	}
	return chans, nil
}

// Fetch fetches one article page now, extracts it and stores it in the
// crawler's archive (sppcrawl fetch), with its media as a crawl archives them;
// with dryRun it only says what storing it would do. No archive is an
// archive that does not exist yet: everything would be created. A page
// fetched by hand is no longer a failure for the crawl to retry. A stored
// article whose URL answers gone is no failure either: the answer is a
// sighting toward its withdrawal, as in a crawl, and the Fetched's Gone
// says what it did (this call is a run of its own).
func (c *Crawler) Fetch(ctx context.Context, rawURL string, dryRun bool) (*sppcrawl.Fetched, error) {
	return c.fetch(ctx, rawURL, dryRun, c.cfg.Now())
}

// fetch is Fetch in the run that started at run (see RecordGone: one run
// sees an article gone once, however often it asks).
func (c *Crawler) fetch(ctx context.Context, rawURL string, dryRun bool, run time.Time) (*sppcrawl.Fetched, error) {
	a, raw, err := c.FetchArticle(ctx, rawURL)
	if err != nil {
		return c.goneSighting(ctx, rawURL, dryRun, run, err)
	}
	f := &sppcrawl.Fetched{Article: a, Outcome: sppcrawl.Created, DryRun: dryRun}
	if c.articles == nil {
		return f, nil
	}
	if f.Before, err = c.articles.StoredArticle(ctx, a.URL, a.ID); err != nil {
		return nil, err
	}
	if dryRun {
		f.Outcome, err = c.articles.Predict(ctx, a)
		return f, err
	}
	if f.Result, err = c.articles.Upsert(ctx, a, raw); err != nil {
		return nil, err
	}
	f.Outcome = f.Result.Outcome
	if err := c.ledger.ClearFailure(ctx, a.URL); err != nil {
		return nil, err
	}
	if c.cfg.Media == MediaNone {
		return f, nil
	}
	todo, err := c.media.PendingMedia(ctx, a.ID)
	if err == nil && len(todo) > 0 {
		var sum sppcrawl.RunSummary
		sum, err = c.archiveMedia(ctx, todo)
		f.Media, f.MediaMissing = sum.Media, sum.MediaMissing
	}
	return f, err
}

// goneSighting handles a fetch that failed with err: when the answer said
// gone and the URL is a stored article's, it counts one sighting toward the
// article's withdrawal (none on a dry run, none for an article withdrawn
// already) and the Fetched says what came of it; any other err is returned.
func (c *Crawler) goneSighting(ctx context.Context, rawURL string, dryRun bool, run time.Time, err error) (*sppcrawl.Fetched, error) {
	var g *goneError
	if !errors.As(err, &g) || c.articles == nil {
		return nil, err
	}
	u, _ := c.site.CanonicalURL(rawURL) // FetchArticle made its request: it is one
	a, serr := c.articles.StoredArticle(ctx, u, "")
	if serr != nil || a == nil {
		return nil, cmp.Or(serr, err)
	}
	f := &sppcrawl.Fetched{Article: a, Before: a, DryRun: dryRun,
		Gone: &sppcrawl.GoneSighting{Reason: g.Error(), Already: !a.WithdrawnAt.IsZero()}}
	if dryRun || f.Gone.Already {
		return f, nil
	}
	if f.Gone.Withdrawn, err = c.rechecks.RecordGone(ctx, u, run, g.reason()); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if f.Article, err = c.articles.StoredArticle(ctx, u, ""); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return f, nil
}

// FetchAll fetches every URL of urls in turn (see Fetch) and tells report
// what came of each: a URL refused by the list (err set, f nil) or by the
// fetch fails alone, counted in the error returned at the end ("2 of 5 URLs
// failed"). A challenge page stops it with ErrBlocked, the end of ctx with
// ErrInterrupted.
func (c *Crawler) FetchAll(ctx context.Context, urls iter.Seq2[string, error], dryRun bool,
	report func(u string, f *sppcrawl.Fetched, err error) error) error {
	failed, total, run := 0, 0, c.cfg.Now()
	for u, err := range urls {
		total++
		var f *sppcrawl.Fetched
		if err == nil {
			f, err = c.fetch(ctx, u, dryRun, run)
		}
		if errors.Is(err, ErrBlocked) {
			return err
		}
		if err != nil {
			failed++
		}
		if rerr := report(u, f, err); rerr != nil {
			return rerr
		}
		if ctx.Err() != nil {
			return ErrInterrupted
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d URLs failed", failed, total)
	}
	return nil
}
