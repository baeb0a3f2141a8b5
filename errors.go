package sppcrawl

import "errors"

// Sentinel errors shared by the packages, checked with errors.Is. They
// arrive wrapped in a *PageError that names the URL and the reason.
var (
	// ErrOffSite: a URL outside the site (www.spp.gov.cn, or the host of
	// the Layout that refused it, which its message names).
	ErrOffSite = errors.New("not a www.spp.gov.cn URL")
	// ErrIncomplete: the bytes of a page stop before its end (a dropped
	// connection): transient, to be fetched again, never stored.
	ErrIncomplete = errors.New("incomplete page")
)

// PageError explains why a page or URL could not be used.
type PageError struct {
	URL    string
	Err    error  // a sentinel error of this package or of extract
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
