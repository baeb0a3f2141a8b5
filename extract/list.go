package extract

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"sppcrawl"

	"github.com/PuerkitoBio/goquery"
)

// List is a channel list page (the root's type, so that a Site's
// Extractor returns it).
type List = sppcrawl.List

// ListItem is one link of a list page.
type ListItem = sppcrawl.ListItem

// ParseList extracts a channel list page of the parser's site. pageURL is
// where it was fetched from. Items pointing off-site are dropped; the
// hidden 相关新闻 block of detail pages (#xgxw, also class commonList_con)
// is ignored.
func (pr Parser) ParseList(body []byte, pageURL, contentType string) (*List, error) {
	canon, err := pr.URLs.CanonicalURL(pageURL)
	if err != nil {
		return nil, err
	}
	doc, utf8Body, err := parseHTML(body, contentType, canon, ErrNotList)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(canon)
	l := &List{URL: canon, ChannelPath: pr.URLs.ChannelPath(canon), Page: 1, PageCount: 1, Items: pr.listItems(doc, base)}
	if err := pr.readPager(l, utf8Body); err != nil {
		return nil, err
	}
	l.Channel = NormalizeText(doc.FindMatcher(q("div.channel_tit2")).First().Text())
	if l.Channel == "" {
		l.Channel = NormalizeText(doc.FindMatcher(q("div.BreadcrumbNav span")).Last().Text())
	}
	return l, nil
}

// listItems are a list page's links to articles, each once, in page order.
func (pr Parser) listItems(doc *goquery.Document, base *url.URL) []ListItem {
	lis := doc.FindMatcher(q("div.commonList_con")).Not("#xgxw").FindMatcher(q("ul.li_line > li"))
	if lis.Length() == 0 {
		lis = doc.FindMatcher(q("ul.li_line > li")) // list without its usual wrapper
	}
	if lis.Length() == 0 {
		lis = doc.FindMatcher(q(".ul_list li")) // pre-2019 权威发布 markup
	}
	items := []ListItem{}
	seen := map[string]bool{}
	lis.Each(func(_ int, li *goquery.Selection) {
		if it, ok := pr.listItem(li, base); ok && !seen[it.URL] {
			seen[it.URL] = true
			items = append(items, it)
		}
	})
	return items
}

// listItem reads one entry of a list: its link, title and date.
func (pr Parser) listItem(li *goquery.Selection, base *url.URL) (ListItem, bool) {
	a := li.FindMatcher(q("a[href]")).First()
	if a.Length() == 0 {
		return ListItem{}, false
	}
	href, _ := a.Attr("href")
	u, err := pr.URLs.ResolveURL(href, base)
	if err != nil {
		return ListItem{}, false
	}
	title := NormalizeText(a.FindMatcher(q("span.title")).Text())
	if title == "" {
		title = NormalizeText(a.Text())
	}
	if t, ok := a.Attr("title"); ok && len(t) > len(title) {
		title = NormalizeText(t) // long titles are cut in the text, whole in @title
	}
	date := li.FindMatcher(q("span.data, span.date")).Last().Text()
	if date == "" {
		date = li.ChildrenFiltered("span").Last().Text()
	}
	it := ListItem{URL: u, Title: title}
	if t, ok := sppcrawl.ParseDate(date); ok {
		it.Date = t
	} else {
		it.Date, _ = sppcrawl.DateFromURL(u)
	}
	return it, true
}

// readPager sets the page's number, the channel's page count and total and
// the URLs of its pages from the createPageHTML call; a page with neither a
// pager nor items is no list.
func (pr Parser) readPager(l *List, utf8Body []byte) error {
	prefix, ext := "index", "shtml"
	if m := createPageRE.FindSubmatch(utf8Body); m != nil {
		l.PageCount, _ = strconv.Atoi(string(m[1]))
		l.Page, _ = strconv.Atoi(string(m[2]))
		prefix, ext = string(m[3]), string(m[4])
		l.Total, _ = strconv.Atoi(string(m[5]))
		if l.PageCount < 1 {
			l.PageCount = 1
		}
		if l.PageCount > maxPages {
			return pageErr(l.URL, ErrNotList, fmt.Sprintf("pager announces %d pages, more than any channel can hold", l.PageCount))
		}
		// The pager counts from 0 on some TRS builds; SPP's is 1-based.
		if l.Page < 1 {
			l.Page = 1
		}
	} else if len(l.Items) == 0 {
		return pageErr(l.URL, ErrNotList, "no ul.li_line items and no createPageHTML pager")
	}
	for i := 1; i <= l.PageCount; i++ {
		l.PageURLs = append(l.PageURLs, pr.URLs.PagerURL(l.ChannelPath, prefix, ext, i))
	}
	return nil
}

// maxPages bounds a pager's page count: 30 items a page, a million and a
// half articles in one channel, far beyond the site's size.
const maxPages = 50_000

// Kinds of page PageKind tells apart.
const (
	KindArticle    = sppcrawl.PageArticle
	KindList       = sppcrawl.PageList
	KindHomepage   = sppcrawl.PageHomepage
	KindErrorPage  = sppcrawl.PageErrorPage
	KindChallenge  = sppcrawl.PageChallenge
	KindIncomplete = sppcrawl.PageIncomplete
	KindUnknown    = sppcrawl.PageUnknown
)

// PageKind says what kind of page body is: what a channel's index page has
// become when it is no longer a list (the homepage the site serves for
// unknown paths: the channel is gone; anything else: it changed shape).
func PageKind(body []byte, contentType string) sppcrawl.PageKind {
	doc, raw, err := parseHTML(body, contentType, "", ErrNotList)
	switch {
	case errors.Is(err, ErrChallenge):
		return KindChallenge
	case errors.Is(err, sppcrawl.ErrIncomplete):
		return KindIncomplete
	case err != nil:
		return KindUnknown
	}
	p := newPage(doc, raw)
	switch why := p.looksLikeNonArticle(); {
	case strings.HasPrefix(why, "homepage"):
		return KindHomepage
	case strings.HasPrefix(why, "error page"):
		return KindErrorPage
	case strings.HasPrefix(why, "list page"):
		return KindList
	}
	if p.findTemplate().body != nil {
		return KindArticle
	}
	return KindUnknown
}

// ParseNav lists the channels a page links to (the homepage's navigation):
// every link to a folder's index page of the site, named by its text, the
// site's root and homepage left out. pageURL is where it was fetched from.
func (pr Parser) ParseNav(body []byte, pageURL, contentType string) ([]sppcrawl.Channel, error) {
	canon, err := pr.URLs.CanonicalURL(pageURL)
	if err != nil {
		return nil, err
	}
	doc, _, err := parseHTML(body, contentType, canon, ErrNotList)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(canon)
	seen := map[string]bool{}
	var out []sppcrawl.Channel
	doc.FindMatcher(q("a[href]")).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := pr.URLs.ResolveURL(href, base)
		if err != nil || pr.URLs.IsArticleURL(u) {
			return
		}
		p := strings.TrimPrefix(u, pr.URLs.Origin())
		if b := path.Base(p); b == "index.shtml" || b == "index.html" {
			p = path.Dir(p) + "/"
		}
		if !strings.HasSuffix(p, "/") || p == "/" || p == "/spp/" || seen[p] {
			return
		}
		name := NormalizeText(a.Text())
		if name == "" {
			return
		}
		seen[p] = true
		c := pr.channelByPath(p)
		if c.Name == "" {
			c.Name = name
		}
		out = append(out, c)
	})
	return out, nil
}
