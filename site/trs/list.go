package trs

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl"
	"sppcrawl/extract"
)

// listDateRE is a date a list item shows beside its link ([2020-05-01],
// 2026-06-11, 2026年6月11日).
var listDateRE = regexp.MustCompile(`\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}`)

// ParseList reads a page of a channel's list: its items are the links to
// the channel's articles that sit in a list item or a table row (the
// navigation's links elsewhere are not the channel's), its page count and
// numbering those of its pager. A page with neither items nor pager is
// refused with extract.ErrNotList.
func (s *Site) ParseList(body []byte, pageURL, contentType string) (*sppcrawl.List, error) {
	canon, err := s.CanonicalURL(pageURL)
	if err != nil {
		return nil, err
	}
	doc, utf8Body, err := parse(body, contentType, canon, extract.ErrNotList)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(canon)
	l := &sppcrawl.List{URL: canon, ChannelPath: s.ChannelPath(canon)}
	l.Channel = listName(doc)
	l.Items = s.listItems(doc, base, l.ChannelPath)
	ext := strings.TrimPrefix(path.Ext(base.Path), ".")
	if ext == "" || base.Path == l.ChannelPath {
		ext = s.Ext() // the folder itself (a server's redirect from index.html)
	}
	pi, err := readPager(utf8Body, ext)
	if err != nil {
		return nil, pageErr(canon, extract.ErrNotList, err.Error())
	}
	if !pi.found && len(l.Items) == 0 {
		return nil, pageErr(canon, extract.ErrNotList, "no list items (li or table rows linking …/yyyymm/tyyyymmdd_N.shtml) and no createPageHTML or countPage pager")
	}
	s.learnPager(l, base.Path, pi)
	s.Learn(canon)
	return l, nil
}

// learnPager numbers the page and lists the channel's pages; the first
// page's current-page argument tells how the pager counts (0: page 2 is
// index_1), which ListPageURL uses from then on.
func (s *Site) learnPager(l *sppcrawl.List, p string, pi pagerInfo) {
	pg := pi.pg
	first := !strings.HasPrefix(path.Base(p), pg.prefix+"_")
	if first {
		pg.fromOne = pi.found && pi.current >= 1
		s.pagers.Store(l.ChannelPath, pg)
	} else {
		pg.fromOne = s.pagerOf(l.ChannelPath).fromOne
	}
	l.Page, l.PageCount, l.Total = pg.pageNumber(p), pi.count, pi.total
	for i := 1; i <= l.PageCount; i++ {
		l.PageURLs = append(l.PageURLs, s.Origin()+pg.pageURL(l.ChannelPath, i))
	}
}

// listItems are the page's links to articles under the channel's folder,
// in list items or table rows (else anywhere), each once.
func (s *Site) listItems(doc *goquery.Document, base *url.URL, channelPath string) []sppcrawl.ListItem {
	if items := s.listLinks(doc, base, channelPath, true); len(items) > 0 {
		return items
	}
	// A template of rows of another kind (<dd>, <p>, <div>): the channel's
	// article links wherever they sit.
	if items := s.listLinks(doc, base, channelPath, false); len(items) > 0 {
		return items
	}
	// A channel that lists articles kept in other folders: the rows' links
	// to any article of the site, the navigation's left out.
	items := []sppcrawl.ListItem{}
	for _, it := range s.listLinks(doc, base, "/", true) {
		if !inMenu(doc, it.URL) {
			items = append(items, it)
		}
	}
	return items
}

// menuRE names the elements that hold a site's navigation.
var menuRE = regexp.MustCompile(`(?i)nav|menu|daohang|dh\b`)

// inMenu reports whether every link to u on the page sits in a navigation
// element.
func inMenu(doc *goquery.Document, u string) bool {
	menu := true
	doc.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		if !strings.HasSuffix(u, path.Base(href)) {
			return true
		}
		menu = a.ParentsFiltered("[id], [class]").FilterFunction(func(_ int, p *goquery.Selection) bool {
			return menuRE.MatchString(p.AttrOr("id", "") + " " + p.AttrOr("class", ""))
		}).Length() > 0
		return menu
	})
	return menu
}

// listLinks are the page's links to articles under the channel's folder,
// each once; with inRows only those in a list item or a table row.
func (s *Site) listLinks(doc *goquery.Document, base *url.URL, channelPath string, inRows bool) []sppcrawl.ListItem {
	seen := map[string]bool{}
	items := []sppcrawl.ListItem{}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := s.ResolveURL(href, base)
		if err != nil || seen[u] || !s.IsArticleURL(u) || !strings.HasPrefix(s.ChannelPath(u), channelPath) {
			return
		}
		row := itemRow(a.Get(0))
		if row == nil && inRows {
			return
		}
		if row == nil {
			row = a.Get(0).Parent
		}
		seen[u] = true
		it := sppcrawl.ListItem{URL: u, Title: itemTitle(a)}
		if d, ok := sppcrawl.ParseDate(listDateRE.FindString(textOf(row))); ok {
			it.Date = d
		} else if d, ok := sppcrawl.DateFromURL(u); ok {
			it.Date = d
		}
		items = append(items, it)
	})
	return items
}

// itemRow is the list item or table row a link sits in, nil for a link
// outside both.
func itemRow(n *html.Node) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (p.DataAtom == atom.Li || p.DataAtom == atom.Tr) {
			return p
		}
	}
	return nil
}

// itemTitle is a link's text, or its title attribute when the text is cut
// short with "..." (the list's width) and the attribute holds more.
func itemTitle(a *goquery.Selection) string {
	t := extract.NormalizeText(a.Text())
	full := extract.NormalizeText(a.AttrOr("title", ""))
	if cut, ok := cutTitle(t); ok && full != "" && strings.HasPrefix(full, cut) {
		return full
	}
	if t == "" {
		return full
	}
	return t
}

// cutTitle is a title without the marks of its cut ("...", "…"), and
// whether it had them.
func cutTitle(t string) (string, bool) {
	for _, mark := range []string{"...", "…", "..", "。。。"} {
		if c, ok := strings.CutSuffix(t, mark); ok {
			return strings.TrimSpace(strings.TrimRight(c, ".…")), true
		}
	}
	return t, false
}

// listName is the channel's name: the breadcrumb's last item, else the
// page title's first part.
func listName(doc *goquery.Document) string {
	if c := breadcrumbLast(doc); c != "" {
		return c
	}
	return titleHead(doc)
}

// titleHead is the <title>'s part before the site's name.
func titleHead(doc *goquery.Document) string {
	t := extract.NormalizeText(doc.Find("title").First().Text())
	for _, sep := range []string{"_", " - ", "－", "|", "｜"} {
		if i := strings.Index(t, sep); i > 0 {
			return strings.TrimSpace(t[:i])
		}
	}
	return t
}

// parse decodes body by the platform's charset rule and parses it; a page
// that is no HTML is refused as kind.
func parse(body []byte, contentType, name string, kind error) (*goquery.Document, []byte, error) {
	utf8Body := decode(body, contentType)
	if t := bytes.TrimLeft(utf8Body, " \t\r\n\f"); len(t) == 0 || t[0] != '<' {
		return nil, nil, pageErr(name, kind, "not an HTML page")
	}
	doc, err := extract.ParseUTF8(utf8Body, name, kind)
	return doc, utf8Body, err
}

func pageErr(u string, err error, reason string) error {
	return &sppcrawl.PageError{URL: u, Err: err, Reason: reason}
}
