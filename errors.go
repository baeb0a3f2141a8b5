package sppcrawl

import "errors"

// Sentinel errors shared by the packages, checked with errors.Is. They
// arrive wrapped in a *PageError that names the URL and the reason.
var (
	// ErrOffSite: a URL outside the site. What refuses one says which
	// site's host it is not of (OffSite); this message is never shown.
	ErrOffSite = errors.New("not a URL of the site")
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

// Sentinel errors of the archive, whatever keeps it: every backend returns
// these (wrapped, with what and where), so a caller checks errors.Is
// against the root package and never against a backend's own, and an HTTP
// handler maps each to one status.
var (
	// ErrNotFound: no such article, version, raw page, file or subscription.
	ErrNotFound = errors.New("not found")
	// ErrDamaged: the archive itself is damaged; the error says where and
	// what to run.
	ErrDamaged = errors.New("archive damaged")
	// ErrUndecodable: one stored record does not decode (damaged bytes).
	// Readers skip it and say so (see Skipped); the rest reads.
	ErrUndecodable = errors.New("stored record does not decode")
	// ErrLocked: another process (a crawl, or serve) holds the archive.
	ErrLocked = errors.New("archive is locked: another sppcrawl (crawl or serve) holds it")
	// ErrConflict: a write lost to a concurrent one and changed nothing; it
	// may be tried again. The bbolt archive serialises its writers and never
	// returns it; a backend with concurrent writers (PostgreSQL) does.
	ErrConflict = errors.New("archive changed concurrently")
	// ErrLeaseLost: a lease ran out and another holder took it; what it
	// guarded is that holder's now.
	ErrLeaseLost = errors.New("lease lost to another holder")
)
