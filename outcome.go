package sppcrawl

// Outcome is what storing an article did.
type Outcome int

// Outcomes of an upsert.
const (
	Created   Outcome = iota + 1 // a new article, with a new seq
	Unchanged                    // the same URL, no change that makes a version (see Revision)
	Updated                      // the same article, a field of VersionFields changed: version+1, new seq
	Aliased                      // another URL of an article already stored
	Restored                     // a withdrawn article that answers again, unchanged: new seq
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "created"
	case Unchanged:
		return "unchanged"
	case Updated:
		return "updated"
	case Aliased:
		return "aliased"
	case Restored:
		return "restored"
	}
	return "unknown"
}

// UpsertResult is what storing an article did.
type UpsertResult struct {
	Outcome Outcome
	ID      string
	Seq     uint64 // the article's seq after the upsert
	Version int
}

// RunOutcome is how a crawl (or a media run) ended.
type RunOutcome string

// Run outcomes, as the summary line, stats, /healthz and /metrics name them.
const (
	RunOK          RunOutcome = "ok"
	RunFailures    RunOutcome = "failures"    // pages failed (retried by the next run) or warnings
	RunBlocked     RunOutcome = "blocked"     // an anti-bot challenge stopped it
	RunInterrupted RunOutcome = "interrupted" // a signal stopped it
	RunError       RunOutcome = "error"       // the site or the archive failed it
)

// Failing reports an outcome that makes the archive's health failing: the
// crawl could not do its job at all.
func (o RunOutcome) Failing() bool { return o == RunError || o == RunBlocked }

// Health is a channel's state as the last run found its index page.
type Health string

// Channel health values.
const (
	HealthOK       Health = "ok"
	HealthMissing  Health = "missing"    // 404/410, or the homepage the site serves for unknown paths
	HealthNotAList Health = "not-a-list" // a page of another kind
	HealthEmpty    Health = "empty"      // a list without items
	HealthShrunk   Health = "shrunk"     // the pager's total fell by more than half
)

// Healths lists every health value (the /metrics gauge has one series each).
var Healths = []Health{HealthOK, HealthMissing, HealthNotAList, HealthEmpty, HealthShrunk}
