package crawler

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

// FetchArticle fetches one article page now and extracts it, without storing
// anything: the caller decides (sppcrawl fetch, or its --dry-run). An off-site
// URL is refused before any request is made. Retries follow the crawl's rules.
func (c *Crawler) FetchArticle(ctx context.Context, rawURL string) (*extract.Article, *extract.RawPage, error) {
	u, err := extract.CanonicalURL(rawURL)
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
	col := c.newCollector(ctx, false, 0, 1)
	var (
		art     *extract.Article
		raw     *extract.RawPage
		lastErr error
	)
	col.OnResponse(func(resp *colly.Response) {
		status := resp.StatusCode
		ct := resp.Headers.Get("Content-Type")
		switch {
		case extract.IsChallenge(resp.Body, ct):
			lastErr = fmt.Errorf("fetch %s: %w", u, ErrBlocked)
			return
		case status == http.StatusTooManyRequests || status >= 500:
			if c.retrySync(ctx, resp.Request, retryAfter(resp.Headers, c.cfg.Now())) {
				return
			}
			lastErr = fmt.Errorf("fetch %s: HTTP %d after %d attempts", u, status, attempts(resp.Ctx))
			return
		case status != http.StatusOK:
			lastErr = fmt.Errorf("fetch %s: HTTP %d", u, status)
			return
		case len(resp.Body) > c.cfg.MaxBody:
			lastErr = fmt.Errorf("fetch %s: body larger than %d bytes", u, c.cfg.MaxBody)
			return
		case !isHTML(ct, resp.Body):
			lastErr = fmt.Errorf("fetch %s: not an HTML page (Content-Type %q)", u, ct)
			return
		}
		final, err := c.canonicalOf(resp.Request.URL)
		if err != nil {
			lastErr = fmt.Errorf("fetch %s: %w", u, err)
			return
		}
		now := c.cfg.Now()
		a, err := extract.ParseArticle(resp.Body, final, ct)
		if err != nil {
			lastErr = fmt.Errorf("fetch %s: %w", u, err)
			return
		}
		a.FetchedAt = now
		art = a
		raw = &extract.RawPage{URL: final, Status: status, ContentType: ct, ETag: resp.Headers.Get("ETag"),
			LastModified: resp.Headers.Get("Last-Modified"), FetchedAt: now, Body: resp.Body}
		lastErr = nil
	})
	col.OnError(func(resp *colly.Response, err error) {
		if retryableErr(err) && c.retrySync(ctx, resp.Request, 0) {
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
	return art, raw, lastErr
}

// retrySync waits and re-sends req in the calling goroutine (sync collector).
func (c *Crawler) retrySync(ctx context.Context, req *colly.Request, after time.Duration) bool {
	n := attempts(req.Ctx)
	if n >= c.cfg.MaxAttempts || after > c.cfg.RetryMax {
		return false
	}
	req.Ctx.Put(ctxAttempt, n)
	t := time.NewTimer(max(c.backoff(n), after))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	return req.Retry() == nil
}
