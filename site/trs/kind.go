package trs

import (
	"errors"
	"strings"

	"sppcrawl"
	"sppcrawl/extract"
)

// errorMarks are what the platform's error pages say of themselves.
var errorMarks = []string{"404", "页面不存在", "找不到", "not found", "Not Found", "页面已删除"}

// PageKind says what a page expected to be a list is: a challenge, a page
// cut short, an error page, a list (pager or items), an article, or
// unknown.
func (s *Site) PageKind(body []byte, contentType string) sppcrawl.PageKind {
	doc, utf8Body, err := parse(body, contentType, "", extract.ErrNotList)
	switch {
	case errors.Is(err, extract.ErrChallenge):
		return sppcrawl.PageChallenge
	case errors.Is(err, sppcrawl.ErrIncomplete):
		return sppcrawl.PageIncomplete
	case err != nil:
		return sppcrawl.PageUnknown
	}
	title := titleHead(doc)
	for _, m := range errorMarks {
		if strings.Contains(title, m) {
			return sppcrawl.PageErrorPage
		}
	}
	if pi, err := readPager(utf8Body, "shtml"); err == nil && pi.found {
		return sppcrawl.PageList
	}
	if t, n := findTitle(doc); t != "" && n != nil && findBody(doc, n) != nil {
		return sppcrawl.PageArticle
	}
	return sppcrawl.PageUnknown
}
