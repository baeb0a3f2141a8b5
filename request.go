package sppcrawl

// RequestKind is what a crawler's request fetches, as its observer (the
// metrics) is told.
type RequestKind string

// Kinds of request.
const (
	RequestRobots RequestKind = "robots"
	RequestList   RequestKind = "list"
	RequestDetail RequestKind = "detail"
	RequestMedia  RequestKind = "media"
	RequestOther  RequestKind = "other"
)
