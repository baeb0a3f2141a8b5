package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"sppcrawl"

	"github.com/temoto/robotstxt"
)

// robots is the site's robots.txt as it applies to our User-Agent. sppcrawl
// reads it itself rather than through colly, which has no use for
// Crawl-delay.
type robots struct {
	data  *robotstxt.RobotsData
	agent string
}

// maxRobotsBytes is where Google stops reading a robots.txt.
const maxRobotsBytes = 500 << 10

// loadRobots fetches robots.txt once per run (through the origin, counted
// like every request). Following Google: 4xx means no rules; 5xx means crawl
// nothing for now, reported as an error, as is a site that cannot be reached
// at all. The real site answers /robots.txt with its homepage, which parses
// as no rules.
func (c *Crawler) loadRobots(ctx context.Context) (*robots, error) {
	if c.cfg.IgnoreRobots {
		return nil, nil
	}
	// Transient failures get the retries a page gets, twice (as the final
	// pass gives a page): one bad answer must not cost a whole run.
	var status int
	var body []byte
	var err error
	for attempt := 1; ; attempt++ {
		status, body, err = c.getRobots(ctx)
		transient := err != nil && retryableErr(err) || status == http.StatusTooManyRequests || status >= 500
		if !transient || attempt == 2*c.cfg.MaxAttempts {
			break
		}
		c.cfg.Observer.Retried(sppcrawl.RequestRobots)
		t := time.NewTimer(c.backoff(min(attempt, c.cfg.MaxAttempts)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("robots.txt: %w", ctx.Err())
		case <-t.C:
		}
	}
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	if status >= 500 || status == http.StatusTooManyRequests {
		// Google's rule: a server error forbids crawling until it clears.
		return nil, fmt.Errorf("robots.txt answered HTTP %d: nothing crawled until it answers (--ignore-robots to override)", status)
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: HTTP %d: %w", status, err)
	}
	return &robots{data: data, agent: c.cfg.UserAgent}, nil
}

func (c *Crawler) getRobots(ctx context.Context) (int, []byte, error) {
	resp, err := c.getDirect(ctx, c.site.Origin()+"/robots.txt")
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	return resp.StatusCode, body, err
}

// getDirect asks for u outside colly's queue (robots.txt before the walk,
// a document's files with its page), through the crawl's transport, user
// agent, timeout and redirect policy.
func (c *Crawler) getDirect(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	client := &http.Client{Transport: c.tr, Timeout: c.cfg.Timeout, CheckRedirect: c.redirectPolicy}
	return client.Do(req)
}

// allowed reports whether the rules let us fetch canonical URL u.
func (r *robots) allowed(u string) bool {
	if r == nil {
		return true
	}
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	p := pu.EscapedPath()
	if pu.RawQuery != "" {
		p += "?" + pu.RawQuery
	}
	return r.data.TestAgent(p, r.agent)
}

// crawlDelay is the Crawl-delay asked of our User-Agent, or 0.
func (r *robots) crawlDelay() time.Duration {
	if r == nil {
		return 0
	}
	if g := r.data.FindGroup(r.agent); g != nil {
		return g.CrawlDelay
	}
	return 0
}
