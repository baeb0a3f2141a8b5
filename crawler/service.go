package crawler

import (
	"bytes"
	"net/http"

	"github.com/gocolly/colly/v2"

	"sppcrawl"
)

// A site whose lists a service answers (sppcrawl.ListService, 12309's)
// is asked for each list page by the request the site gives, while the
// page keeps its ListPageURL as its name in the run's records; a request
// form the service refuses gives way to the site's next one.

// sendList hands col the request for page n of a channel's list, named u
// (its ListPageURL): a GET of u, or the site's list service's request of
// the form in.form. ok is false when the site has no such form.
func (c *Crawler) sendList(col *colly.Collector, u, channel string, n int, in *reqInfo, hdr http.Header) (ok bool, err error) {
	ls, isService := c.site.(sppcrawl.ListService)
	if !isService {
		return true, col.Request(http.MethodGet, u, nil, newContext(in), hdr)
	}
	reqs := ls.ListRequests(channel, n)
	if in.form >= len(reqs) {
		return false, nil
	}
	lr := reqs[in.form]
	if hdr == nil {
		hdr = http.Header{}
	}
	hdr.Set("Content-Type", lr.ContentType)
	hdr.Set("Accept", "application/json, text/plain, */*")
	in.url = u
	return true, col.Request(lr.Method, lr.URL, bytes.NewReader(lr.Body), newContext(in), hdr)
}

// listAllowed reports whether robots.txt allows the list page u and, of a
// site whose lists a service answers, the service's URLs; denied is the
// URL it disallows.
func (r *run) listAllowed(u, channel string, page int) (denied string, ok bool) {
	if !r.robots.allowed(u) {
		return u, false
	}
	if ls, isService := r.c.site.(sppcrawl.ListService); isService {
		for _, lr := range ls.ListRequests(channel, page) {
			if !r.robots.allowed(lr.URL) {
				return lr.URL, false
			}
		}
	}
	return "", true
}

// refusedForm reports whether a list service refused the form of a
// request (an HTTP 4xx but 404, 410 and 429) and the site has another.
func (c *Crawler) refusedForm(in *reqInfo, status int) bool {
	if status < 400 || status >= 500 ||
		status == http.StatusNotFound || status == http.StatusGone || status == http.StatusTooManyRequests {
		return false
	}
	return c.hasNextForm(in)
}

// hasNextForm reports whether the list service has another form of the
// request in.
func (c *Crawler) hasNextForm(in *reqInfo) bool {
	ls, ok := c.site.(sppcrawl.ListService)
	return ok && in.kind == kindList && in.form+1 < len(ls.ListRequests(in.channel, in.page))
}

// nextForm sends a list request again in the site's next form, which the
// run's later list requests start with.
func (r *run) nextForm(in *reqInfo) {
	in.form++
	in.attempt = 0
	r.listForm.Store(int32(in.form))
	r.c.log.Debug("list service refused the request's form: trying the next", "url", in.url, "form", in.form)
	if _, err := r.c.sendList(r.col, in.url, in.channel, in.page, in, nil); err != nil {
		r.failure(in, in.url, 0, err, false)
	}
}

// parseListed reads a detail page with the list item that led to it, when
// the site reads its pages better so.
func (c *Crawler) parseListed(body []byte, u, ct string, item *sppcrawl.ListItem) (*sppcrawl.Article, error) {
	if lp, ok := c.site.(sppcrawl.ListedParser); ok && item != nil {
		return lp.ParseListed(body, u, ct, *item)
	}
	return c.site.ParseArticle(body, u, ct)
}

// listName is the name in the run's records of a response's page: a list
// service's answer is its list page's.
func listName(in *reqInfo) (string, bool) {
	if in.kind == kindList && in.url != "" {
		return in.url, true
	}
	return "", false
}

// listedItem is the item a detail request carries: only one a list
// service answered (page links carry nothing a parser reads).
func listedItem(it sppcrawl.ListItem) *sppcrawl.ListItem {
	if len(it.Record) == 0 {
		return nil
	}
	return &it
}
