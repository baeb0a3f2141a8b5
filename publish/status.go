package publish

import (
	"context"
	"errors"
	"net/http"

	"sppcrawl"
	"sppcrawl/search"
)

// ErrRequest: what the client sent makes no sense (HTTP 400); the error's
// words say what and why.
var ErrRequest = errors.New("bad request")

// requestError is a client's mistake in words; errors.Is(err, ErrRequest).
type requestError string

func (e requestError) Error() string        { return string(e) }
func (e requestError) Is(target error) bool { return target == ErrRequest }

// Fault is what kind of failure an error is, as an answer tells it. FaultOf
// is the one map from the archive's (root) and the search index's errors
// to HTTP statuses: the API (server.go, search.go) and the web pages
// (web/server.go, web/searchpage.go) word each fault in their language and
// answer its Status.
type Fault int

// The faults, from the errors FaultOf reads.
const (
	// FaultInternal: anything else; the client reads "internal error" and
	// the log the error.
	FaultInternal Fault = iota
	// FaultNotFound: sppcrawl.ErrNotFound.
	FaultNotFound
	// FaultRequest: ErrRequest or search.ErrQuery; the error's words are
	// for the client.
	FaultRequest
	// FaultDamaged: sppcrawl.ErrDamaged or ErrUndecodable; the client reads
	// the error too (an operator must know, and what to run).
	FaultDamaged
	// FaultTimeout: search.ErrTimeout, a query that ran out of time.
	FaultTimeout
	// FaultRebuilding: search.ErrDamaged, an index being made again from
	// the archive; try again later.
	FaultRebuilding
	// FaultBusy: sppcrawl.ErrLocked or ErrConflict; try again later.
	FaultBusy
	// FaultCanceled: the client went away; nothing is answered.
	FaultCanceled
)

// FaultOf classifies err (nil: FaultInternal, never asked).
func FaultOf(err error) Fault {
	switch {
	case errors.Is(err, context.Canceled):
		return FaultCanceled
	case errors.Is(err, sppcrawl.ErrNotFound):
		return FaultNotFound
	case errors.Is(err, ErrRequest), errors.Is(err, search.ErrQuery):
		return FaultRequest
	case errors.Is(err, search.ErrDamaged):
		return FaultRebuilding
	case errors.Is(err, sppcrawl.ErrDamaged), errors.Is(err, sppcrawl.ErrUndecodable):
		return FaultDamaged
	case errors.Is(err, search.ErrTimeout):
		return FaultTimeout
	case errors.Is(err, sppcrawl.ErrLocked), errors.Is(err, sppcrawl.ErrConflict):
		return FaultBusy
	}
	return FaultInternal
}

// Status is the HTTP status a fault answers.
func (f Fault) Status() int {
	switch f {
	case FaultNotFound:
		return http.StatusNotFound
	case FaultRequest:
		return http.StatusBadRequest
	case FaultTimeout, FaultRebuilding, FaultBusy:
		return http.StatusServiceUnavailable
	case FaultCanceled:
		return 499 // nginx's "client closed request": only logs and metrics see it
	}
	return http.StatusInternalServerError
}

// RetryAfter is the Retry-After a fault's answer carries, in seconds (0:
// none): what passes by itself.
func (f Fault) RetryAfter() int {
	if f == FaultRebuilding || f == FaultBusy {
		return RetryFilling
	}
	return 0
}
