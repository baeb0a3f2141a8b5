package extract

import (
	"fmt"
	"time"
)

// The records below are shared by the crawler (which produces them) and the
// store (which keeps them); they live here so neither imports the other.

// RawPage is a fetched page as it came off the wire, kept so extraction can be
// re-run offline.
type RawPage struct {
	URL          string    `json:"url"` // canonical URL of the page
	Status       int       `json:"status"`
	ContentType  string    `json:"content_type,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	Body         []byte    `json:"-"`
}

// Outcome is what storing an article did.
type Outcome int

// Outcomes of an upsert.
const (
	Created   Outcome = iota + 1 // a new article, with a new seq
	Unchanged                    // the same URL with the same content
	Updated                      // the same article with changed content: version+1, new seq
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

// ChannelState is what the crawler remembers of a channel between runs.
type ChannelState struct {
	Path         string    `json:"path"`
	LastRun      time.Time `json:"last_run,omitzero"`
	NewestURL    string    `json:"newest_url,omitempty"`
	NewestDate   time.Time `json:"newest_date,omitzero"`
	PageCount    int       `json:"page_count,omitempty"`
	Total        int       `json:"total,omitempty"`
	ETag         string    `json:"etag,omitempty"` // of page 1, for conditional GET
	LastModified string    `json:"last_modified,omitempty"`
}

// Recheck is a stored article due for re-verification, with the validators
// of its stored page for a conditional GET.
type Recheck struct {
	ID, URL, Channel   string
	ETag, LastModified string
	LastChecked        time.Time
}

// Failure is a URL that could not be fetched or extracted.
type Failure struct {
	URL       string    `json:"url"`
	Channel   string    `json:"channel,omitempty"` // channel path it was listed in
	Attempts  int       `json:"attempts"`          // over all runs
	Status    int       `json:"status,omitempty"`  // last HTTP status, 0 for transport errors
	LastError string    `json:"last_error"`
	LastTry   time.Time `json:"last_try"`
	NextRetry time.Time `json:"next_retry,omitzero"`
	Gone      bool      `json:"gone,omitempty"` // 404/410 or not an article: never retried
}

// RunSummary is the one-line account of a crawl.
type RunSummary struct {
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	Channels  int       `json:"channels"`
	ListPages int       `json:"list_pages"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Aliased   int       `json:"aliased"`
	Failures  int       `json:"failures"`  // pages that failed and will be retried
	Gone      int       `json:"gone"`      // pages found gone (404/410, not an article)
	Recovered int       `json:"recovered"` // pages that came through in the final pass
	Rechecked int       `json:"rechecked"` // stored articles re-verified (--recheck)
	Withdrawn int       `json:"withdrawn"` // stored articles found withdrawn by the site
	Restored  int       `json:"restored"`  // withdrawn articles that came back
	Requests  int       `json:"requests"`
	Outcome   string    `json:"outcome"` // ok, failures, blocked, interrupted, error
	Error     string    `json:"error,omitempty"`
}

// String is the run's one line, as a cron mail shows it.
func (s RunSummary) String() string {
	final := ""
	for _, c := range []struct {
		n    int
		what string
	}{{s.Recovered, "recovered in the final pass"}, {s.Rechecked, "rechecked"}, {s.Withdrawn, "withdrawn"}, {s.Restored, "restored"}} {
		if c.n > 0 {
			final += fmt.Sprintf(", %d %s", c.n, c.what)
		}
	}
	return fmt.Sprintf("crawl %s: %d channels, %d list pages, %d created, %d updated, %d unchanged, %d aliased, %d failed, %d gone%s, %d requests in %s",
		s.Outcome, s.Channels, s.ListPages, s.Created, s.Updated, s.Unchanged, s.Aliased, s.Failures, s.Gone, final, s.Requests,
		s.Finished.Sub(s.Started).Round(time.Millisecond))
}
