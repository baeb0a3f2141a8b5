package trs

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// pager is how a channel numbers its list pages: page 1 is index.ext,
// page 2 index_1.ext when the pager counts from 0 (the platform's
// convention, var currentPage = 0) or index_2.ext when it counts from 1
// (spp.gov.cn's createPageHTML('page_div', N, 1, …)).
type pager struct {
	prefix, ext string
	fromOne     bool
}

// The two pagers of the platform: createPageHTML's call (with or without
// the element id first and the record count last, commented out or not)
// and the script that declares var countPage and var currentPage.
var (
	createPageRE  = regexp.MustCompile(`createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w-]*)['"]\s*,\s*['"](\w+)['"]\s*(?:,\s*(\d+)\s*)?\)`)
	countPageRE   = regexp.MustCompile(`var\s+countPage\s*=\s*(\d+)`)
	currentPageRE = regexp.MustCompile(`var\s+currentPage\s*=\s*(\d+)`)
)

// maxPages bounds a pager's page count: beyond it the number is no pager's.
const maxPages = 50_000

// pagerInfo is what a list page's pager says.
type pagerInfo struct {
	found          bool
	count, current int // current as the pager counts (from 0 or 1)
	total          int
	pg             pager
}

// readPager reads the pager of a list page's UTF-8 text; ext is the page's
// own extension, the platform's when the pager names none.
func readPager(body []byte, ext string) (pagerInfo, error) {
	pi := pagerInfo{pg: pager{prefix: "index", ext: ext}}
	if m := createPageRE.FindSubmatch(body); m != nil {
		pi.found = true
		pi.count, _ = strconv.Atoi(string(m[1]))
		pi.current, _ = strconv.Atoi(string(m[2]))
		if len(m[3]) > 0 {
			pi.pg.prefix = string(m[3])
		}
		pi.pg.ext = string(m[4])
		pi.total, _ = strconv.Atoi(string(m[5]))
	} else if m := countPageRE.FindSubmatch(body); m != nil {
		pi.found = true
		pi.count, _ = strconv.Atoi(string(m[1]))
		if c := currentPageRE.FindSubmatch(body); c != nil {
			pi.current, _ = strconv.Atoi(string(c[1]))
		}
	}
	if pi.count > maxPages {
		return pi, fmt.Errorf("pager announces %d pages, more than any channel holds", pi.count)
	}
	pi.count = max(pi.count, 1)
	return pi, nil
}

// pageURL is the path of page n (1-based) of the channel at dir.
func (p pager) pageURL(dir string, n int) string {
	switch {
	case n <= 1:
		return dir + p.prefix + "." + p.ext
	case p.fromOne:
		return fmt.Sprintf("%s%s_%d.%s", dir, p.prefix, n, p.ext)
	}
	return fmt.Sprintf("%s%s_%d.%s", dir, p.prefix, n-1, p.ext)
}

// pageNumber is the 1-based number of the list page at path p.
func (p pager) pageNumber(pth string) int {
	base := path.Base(pth)
	stem := strings.TrimSuffix(base, path.Ext(base))
	k, ok := strings.CutPrefix(stem, p.prefix+"_")
	n, err := strconv.Atoi(k)
	if !ok || err != nil || n < 0 {
		return 1
	}
	if p.fromOne {
		return max(n, 1)
	}
	return n + 1
}

// pagerOf is the pager learnt for a channel, or the platform's default
// with the site's extension.
func (s *Site) pagerOf(channelPath string) pager {
	if v, ok := s.pagers.Load(channelPath); ok {
		return v.(pager)
	}
	return pager{prefix: "index", ext: s.Ext()}
}

// extRE is the extension of a page of the platform: a detail page
// (t20260611_7770799.shtml) or a list's index page.
var extRE = regexp.MustCompile(`(?:/t\d{8}_\d+|/index(?:_\d+)?)\.(shtml|html|jhtml|htm)$`)

// Ext is the extension of the site's pages: shtml, the platform's, until
// a page of the site showed another (see Learn).
func (s *Site) Ext() string {
	if e, ok := s.ext.Load().(string); ok {
		return e
	}
	return "shtml"
}

// Learn takes the extension of the site's pages from the URL of one of
// them (an article or a list page; others say nothing), so that a channel's
// first list page is asked for as the site names it: index.html on a site
// of .html pages. The archive's articles and the home page's links teach it.
func (s *Site) Learn(u string) {
	if m := extRE.FindStringSubmatch(u); m != nil && strings.HasPrefix(u, s.Origin()+"/") {
		s.ext.Store(m[1])
	}
}

// ListPageURL is page n of a channel, by its pager as its first page
// showed it (index_1 for page 2 until then).
func (s *Site) ListPageURL(channelPath string, n int) string {
	return s.Origin() + s.pagerOf(channelPath).pageURL(channelPath, n)
}
