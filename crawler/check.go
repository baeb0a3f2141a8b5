package crawler

import (
	"context"
	"errors"
	"fmt"

	"github.com/gocolly/colly/v2"

	"sppcrawl"
	"sppcrawl/extract"
)

// SiteCheck is what Check found of a site, page by page: how an operator
// adding a site sees at once whether its templates are understood.
type SiteCheck struct {
	Home     string             `json:"home"`
	Channels []sppcrawl.Channel `json:"channels"`
	List     *sppcrawl.List     `json:"list,omitempty"`    // the first channel page that lists articles
	Article  *sppcrawl.Article  `json:"article,omitempty"` // that list's first article
	Problems []string           `json:"problems"`          // each page not understood, named, with why
}

// OK reports whether the check read a list and an article.
func (s *SiteCheck) OK() bool { return s.List != nil && s.Article != nil }

// checkTries is how many channels Check reads before it gives up finding a
// list: a few pages, not a crawl.
const checkTries = 5

// Check reads the site's home page and its channels, the first page of
// the first channel that lists articles, and that page's first article,
// storing nothing. An error is returned only when the home page cannot be
// read; what else was not understood is in Problems.
func (c *Crawler) Check(ctx context.Context) (*SiteCheck, error) {
	chans, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	sc := &SiteCheck{Home: c.site.HomeURL(), Channels: chans, Problems: []string{}}
	if len(chans) == 0 {
		sc.Problems = append(sc.Problems, sc.Home+": the navigation links to no folder of the site")
	}
	for i, ch := range chans {
		if i == checkTries || ctx.Err() != nil {
			break
		}
		u := c.site.ListPageURL(ch.Path, 1)
		l, err := c.checkList(ctx, u, ch.Path)
		if err != nil {
			sc.Problems = append(sc.Problems, err.Error())
			continue
		}
		sc.List = l
		first := c.firstArticle(l)
		if sc.Article, _, err = c.fetchArticle(ctx, first.URL, listedItem(first)); err != nil {
			sc.Problems = append(sc.Problems, err.Error())
		}
		break
	}
	return sc, nil
}

// checkList fetches and reads the list page at u, page 1 of channel,
// which must list an article of the site.
func (c *Crawler) checkList(ctx context.Context, u, channel string) (*sppcrawl.List, error) {
	rules, err := c.loadRobots(ctx)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", u, err)
	}
	if !rules.allowed(u) {
		return nil, fmt.Errorf("list %s: robots.txt disallows it", u)
	}
	var l *sppcrawl.List
	var lastErr error
	col := c.newCollector(ctx, false, 1)
	in := &reqInfo{kind: kindList, channel: channel, page: 1}
	col.OnResponse(func(resp *colly.Response) {
		if c.refusedForm(in, resp.StatusCode) {
			in.form++
			_, lastErr = c.sendList(col, u, channel, 1, in, nil)
			return
		}
		if resp.StatusCode >= 300 {
			lastErr = fmt.Errorf("list %s: HTTP %d", u, resp.StatusCode)
			return
		}
		l, lastErr = c.site.ParseList(resp.Body, u, resp.Headers.Get("Content-Type"))
		if errors.Is(lastErr, extract.ErrNotList) && c.hasNextForm(in) {
			in.form++
			_, lastErr = c.sendList(col, u, channel, 1, in, nil)
			return
		}
		if lastErr != nil {
			lastErr = fmt.Errorf("list: %w", lastErr) // the error names the page
		}
	})
	col.OnError(func(resp *colly.Response, err error) {
		lastErr = fmt.Errorf("list %s: HTTP %d: %w", u, resp.StatusCode, err)
	})
	if _, err := c.sendList(col, u, channel, 1, in, nil); err != nil && lastErr == nil {
		lastErr = fmt.Errorf("list %s: %w", u, err)
	}
	switch {
	case lastErr != nil:
		return nil, lastErr
	case c.onSiteArticles(itemURLs(l)) == 0:
		return nil, fmt.Errorf("list %s: no article of the site listed (%d links)", u, len(l.Items))
	}
	return l, nil
}

func itemURLs(l *sppcrawl.List) []string {
	out := make([]string, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.URL
	}
	return out
}

// firstArticle is the list's first article of the site (its URL "" when
// none).
func (c *Crawler) firstArticle(l *sppcrawl.List) sppcrawl.ListItem {
	for _, it := range l.Items {
		if c.site.IsArticleURL(it.URL) {
			return it
		}
	}
	return sppcrawl.ListItem{}
}
