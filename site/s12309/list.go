package s12309

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"sppcrawl"
	"sppcrawl/extract"
)

// answer is the list service's answer:
// {"code":200,"results":{"hits":{"total":…,"hits":[{…}]}}}.
type answer struct {
	Code    json.RawMessage `json:"code"`
	Msg     string          `json:"msg"`
	Results *struct {
		Hits *struct {
			Total json.RawMessage   `json:"total"`
			Hits  []json.RawMessage `json:"hits"`
		} `json:"hits"`
	} `json:"results"`
}

// listed is a ListItem's Record: the hit as the service answered it and
// the kind it was listed under, for ParseListed.
type listed struct {
	Kind    string          `json:"kind"`
	Channel string          `json:"channel"`
	Hit     json.RawMessage `json:"hit"`
}

// ParseList reads the service's answer for the list page pageURL (a
// ListPageURL: the kind's folder and the page's number): its records with
// the URLs of their detail pages, newest first as answered, and how many
// pages the kind has. A record without a detail URL is left out.
func (Site) ParseList(body []byte, pageURL, contentType string) (*sppcrawl.List, error) {
	hits, total, err := parseAnswer(body, contentType, pageURL)
	if err != nil {
		return nil, err
	}
	k, n := kindAt(layout.ChannelPath(pageURL)), pageOf(pageURL)
	l := &sppcrawl.List{URL: pageURL, Channel: k.Name, ChannelPath: k.Path, Page: n, Total: total, Items: []sppcrawl.ListItem{}}
	for _, h := range hits {
		it, ok := item(h, k)
		if ok {
			l.Items = append(l.Items, it)
		}
	}
	l.PageCount = pageCount(n, len(hits), total)
	for i := 1; i <= l.PageCount; i++ {
		l.PageURLs = append(l.PageURLs, layout.PagerURL(k.Path, "index", "shtml", i))
	}
	return l, nil
}

// parseAnswer checks an answer and returns its hits and total (0: not
// stated).
func parseAnswer(body []byte, contentType, name string) ([]json.RawMessage, int, error) {
	t := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(t) > 0 && t[0] == '<' {
		if extract.IsChallenge(body, contentType) {
			return nil, 0, pageErr(name, extract.ErrChallenge, "a small page whose script sets a cookie or reloads")
		}
		return nil, 0, pageErr(name, extract.ErrNotList, "an HTML page, not the list service's JSON answer")
	}
	var a answer
	if err := json.Unmarshal(t, &a); err != nil {
		return nil, 0, pageErr(name, extract.ErrNotList, "not the list service's JSON answer: "+err.Error())
	}
	// The code says more than the hits only when it is an HTTP error's.
	c := strings.Trim(string(a.Code), `"`)
	if n, err := strconv.Atoi(c); err == nil && n >= 300 && n != 200 {
		return nil, 0, pageErr(name, extract.ErrNotList, fmt.Sprintf("the list service answered code %s %q", c, a.Msg))
	}
	if a.Results == nil || a.Results.Hits == nil {
		return nil, 0, pageErr(name, extract.ErrNotList, fmt.Sprintf("the answer has no results.hits (code %s %q)", cmp.Or(c, "none"), a.Msg))
	}
	total, err := parseTotal(a.Results.Hits.Total)
	if err != nil {
		return nil, 0, pageErr(name, extract.ErrNotList, err.Error())
	}
	return a.Results.Hits.Hits, total, nil
}

// parseTotal reads hits.total: a number, or {"value":N,"relation":"eq"}
// (Elasticsearch 7's); absent or null is 0.
func parseTotal(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var n flexInt
	if err := json.Unmarshal(raw, &n); err == nil {
		return int(n), nil
	}
	var obj struct {
		Value flexInt `json:"value"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return 0, fmt.Errorf("hits.total %.40s is neither a number nor {value, relation}", raw)
	}
	return int(obj.Value), nil
}

// pageCount is how many pages the kind has as page n shows it: from the
// total, with the service's own page size when it answers fewer records
// than asked; without a total, one more while a page holds records.
func pageCount(n, hits, total int) int {
	switch {
	case hits == 0:
		return n
	case total <= 0:
		return n + 1
	}
	per := pageSize
	if hits > pageSize {
		per = hits
	} else if hits < pageSize && !lastPage(n, hits, total) {
		per = hits // the service's page size is smaller than asked
	}
	return max(n, (total+per-1)/per)
}

// lastPage reports whether a page n holding fewer records than asked is
// the last: the pages before it, of the size asked, hold the rest. When
// the service pages by its own size that cannot be told from one page,
// and a page more is asked rather than records missed.
func lastPage(n, hits, total int) bool {
	if n == 1 {
		return total <= hits
	}
	return total-hits == (n-1)*pageSize
}

// item is the list item of one hit, false for a hit without a detail URL
// of the site.
func item(h json.RawMessage, k kind) (sppcrawl.ListItem, bool) {
	r, raw, err := decodeHit(h)
	if err != nil || r.link(k) == "" {
		return sppcrawl.ListItem{}, false
	}
	u, err := layout.CanonicalURL(r.link(k))
	if err != nil {
		return sppcrawl.ListItem{}, false
	}
	rec, _ := json.Marshal(listed{Kind: k.Name, Channel: k.Path, Hit: raw}) // raw is valid JSON
	return sppcrawl.ListItem{URL: u, Title: plain(r.Title), Date: r.published(), Record: rec}, true
}

func pageErr(u string, err error, reason string) error {
	return &sppcrawl.PageError{URL: u, Err: err, Reason: reason}
}

// tagRE is a tag in a record's text field (a search service's <em>).
var tagRE = regexp.MustCompile(`<[^<>]*>`)

// plain is a record's title as text.
func plain(s string) string {
	return extract.NormalizeText(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
}
