package crawler

import (
	"net/http"

	"sppcrawl"

	"github.com/gocolly/colly/v2"
)

// kind is what a request of a run fetches.
type kind = sppcrawl.RequestKind

const (
	kindList   = sppcrawl.RequestList
	kindDetail = sppcrawl.RequestDetail
	kindMedia  = sppcrawl.RequestMedia
)

// chain is the chain of list pages a list request belongs to (see walk.go).
type chain string

const (
	chainNews chain = "news"
	chainWalk chain = "walk"
)

// reqInfo is what a run keeps about one request, in its colly context under
// one key: typed, where colly's context holds strings and anys. A retry
// reuses the context, so the attempts carry over.
type reqInfo struct {
	kind    kind
	channel string // channel path the page was listed in
	page    int    // a list page's number
	chain   chain  // a list page's chain
	listPos int    // the walk page a detail came from (0: not from the walk)
	recheck bool   // a re-verification of a stored article
	due     bool   // a retry the failure log holds (a stored page to repair among them)
	final   bool   // sent by the final pass
	attempt int    // attempts made so far in this round
	prior   int    // attempts made before the final pass
	// A media file: the articles that use it, and its URL as they name it.
	ids   []string
	url   string // also a list service's answer's list page (see service.go)
	image bool
	// A list service's request form (see service.go); the list item that
	// led to a detail page, for a site that reads it (sppcrawl.ListedParser).
	form int
	item *sppcrawl.ListItem
}

const ctxInfo = "sppcrawl"

// infoOf is the request's reqInfo (a new one for a context that has none,
// such as colly's own for Visit).
func infoOf(ctx *colly.Context) *reqInfo {
	if in, ok := ctx.GetAny(ctxInfo).(*reqInfo); ok {
		return in
	}
	in := &reqInfo{}
	ctx.Put(ctxInfo, in)
	return in
}

func newContext(in *reqInfo) *colly.Context {
	ctx := colly.NewContext()
	ctx.Put(ctxInfo, in)
	return ctx
}

// attempts is the number of the attempt under way (1 for the first).
func (in *reqInfo) attempts() int { return in.attempt + 1 }

// slotted: the kinds of request that hold one of the run's queue slots.
func slotted(k kind) bool { return k == kindDetail || k == kindMedia }

// request hands colly a request of the run. A detail page or a media file
// first takes a queue slot (waiting while the queue is full), given back by
// detailFinished when the request is done for good, or here when colly
// refuses it.
func (r *run) request(u string, in *reqInfo, hdr http.Header) error {
	return r.holdSlot(in.kind, func() error {
		return r.col.Request(http.MethodGet, u, nil, newContext(in), hdr)
	})
}

// holdSlot runs send, which hands colly a request of kind k, holding a
// queue slot for it if k needs one.
func (r *run) holdSlot(k kind, send func() error) error {
	if !slotted(k) {
		return send()
	}
	r.detailsQueued.Add(1)
	r.slots <- struct{}{}
	if err := send(); err != nil {
		r.detailFinished()
		return err
	}
	return nil
}

// detailFinished frees the slot of a detail or media request that is done
// for good.
func (r *run) detailFinished() {
	r.detailsDone.Add(1)
	<-r.slots
}
