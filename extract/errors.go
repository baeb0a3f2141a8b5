package extract

import "errors"

// Sentinel errors, wrapped in a *PageError that names the URL and the reason.
// Check them with errors.Is.
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
	// ErrOffSite: a URL outside www.spp.gov.cn.
	ErrOffSite = errors.New("not a www.spp.gov.cn URL")
	// ErrIncomplete: the bytes stop before the page's end (a dropped
	// connection): transient, to be fetched again, never stored.
	ErrIncomplete = errors.New("incomplete page")
	// ErrUnknownLayout: a whole page of no kind extract knows (neither an
	// article template nor a list, the homepage, an error page or a
	// challenge): not evidence that an article is gone; perhaps the
	// template changed.
	ErrUnknownLayout = errors.New("unknown layout")
)

// PageError explains why a page could not be used.
type PageError struct {
	URL    string
	Err    error  // one of the sentinels above
	Reason string // human detail, e.g. "list page: createPageHTML pager"
}

func (e *PageError) Error() string {
	msg := e.Err.Error()
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.URL != "" {
		return e.URL + ": " + msg
	}
	return msg
}

func (e *PageError) Unwrap() error { return e.Err }

func pageErr(u string, err error, reason string) error {
	return &PageError{URL: u, Err: err, Reason: reason}
}
