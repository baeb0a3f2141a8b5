package extract

import (
	"errors"

	"sppcrawl"
)

// Sentinel errors, wrapped in a *sppcrawl.PageError that names the URL and
// the reason. Check them with errors.Is. A page cut short is
// sppcrawl.ErrIncomplete, a URL off the site sppcrawl.ErrOffSite: other
// packages act on those two.
var (
	// ErrNotArticle: the page is of another known kind (list, homepage,
	// error page).
	ErrNotArticle = errors.New("not an article")
	// ErrNotList: the page has no list items and no pager.
	ErrNotList = errors.New("not a list page")
	// ErrChallenge: an anti-bot page that sets a cookie and reloads.
	ErrChallenge = errors.New("anti-bot challenge page")
	// ErrEmptyBody: an article layout whose body holds no text.
	ErrEmptyBody = errors.New("empty article body")
	// ErrUnknownLayout: a whole page of no kind extract knows (neither an
	// article template nor a list, the homepage, an error page or a
	// challenge): not evidence that an article is gone; perhaps the
	// template changed.
	ErrUnknownLayout = errors.New("unknown layout")
)

func pageErr(u string, err error, reason string) error {
	return &sppcrawl.PageError{URL: u, Err: err, Reason: reason}
}
