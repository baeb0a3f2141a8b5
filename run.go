package sppcrawl

import (
	"fmt"
	"strings"
	"time"
)

// ChannelState is what the crawler remembers of a channel between runs.
type ChannelState struct {
	Path string `json:"path"`
	// Site is the host of the channel's site: an archive holds many, and
	// their channels may share a path.
	Site         string    `json:"site,omitempty"`
	Name         string    `json:"name,omitempty"` // as its list page names it
	LastRun      time.Time `json:"last_run,omitzero"`
	NewestURL    string    `json:"newest_url,omitempty"` // top of page 1 at the last run
	NewestDate   time.Time `json:"newest_date,omitzero"`
	PageCount    int       `json:"page_count,omitempty"`
	Total        int       `json:"total,omitempty"`
	ETag         string    `json:"etag,omitempty"` // of page 1, for conditional GET
	LastModified string    `json:"last_modified,omitempty"`

	// CompleteURL is the top of page 1 when the last walk that reached its
	// natural end began: everything listed below it was handled then. A
	// run's walk may stop at a page whose items are all stored only when
	// that page reaches down to it (see crawler).
	CompleteURL  string    `json:"complete_url,omitempty"`
	CompleteDate time.Time `json:"complete_date,omitzero"`
	// Walk is a walk that has not reached its natural end yet (killed,
	// interrupted, stopped by a failure, cut by --max-pages): the next run
	// resumes it.
	Walk *Walk `json:"walk,omitempty"`

	// Kind is what its index page turned out to be (a list, or a page of
	// the navigation to pass over); "" until a run has seen it.
	Kind ChannelKind `json:"kind,omitempty"`
	// Health is the channel's state as the last run found its index page.
	Health       Health    `json:"health,omitempty"`
	HealthReason string    `json:"health_reason,omitempty"`
	HealthSince  time.Time `json:"health_since,omitzero"`
	OKTotal      int       `json:"ok_total,omitempty"` // the pager's total at the last ok run
	// Drift holds the template-drift warnings of the last run that stored
	// enough new articles to tell.
	Drift []string `json:"drift,omitempty"`
}

// WalkKind is what a backfill walks back to.
type WalkKind string

// Walk kinds.
const (
	WalkFull   WalkKind = "full"   // every list page
	WalkSince  WalkKind = "since"  // back to --since DATE
	WalkWindow WalkKind = "window" // the first run's 30 days
)

// Walk is a backfill of a channel's list pages under way.
type Walk struct {
	Kind    WalkKind  `json:"kind"`
	Since   time.Time `json:"since,omitzero"`  // for since and window: items older are not wanted
	Next    int       `json:"next"`            // the first page not yet handled whole
	Pages   int       `json:"pages,omitempty"` // the channel's page count when last seen
	Started time.Time `json:"started"`
}

// String says where the walk is, for people: "page 7 of 12 (full walk)".
func (w *Walk) String() string {
	what := string(w.Kind) + " walk"
	switch w.Kind {
	case WalkSince:
		what = "walk back to " + w.Since.Format("2006-01-02")
	case WalkWindow:
		what = "first run's 30 days"
	}
	if w.Pages > 0 {
		return fmt.Sprintf("page %d of %d (%s)", w.Next, w.Pages, what)
	}
	return fmt.Sprintf("page %d (%s)", w.Next, what)
}

// Copy returns a copy of w (nil for nil).
func (w *Walk) Copy() *Walk {
	if w == nil {
		return nil
	}
	c := *w
	return &c
}

// Fill counts how many articles of a channel have each field filled, for the
// template-drift warning.
type Fill struct {
	Articles int `json:"articles"`
	Source   int `json:"source"`
	Editor   int `json:"editor"`
	Author   int `json:"author"`
	Time     int `json:"time"` // a time of day in published_at, not only a date
	Headline int `json:"headline"`
	Images   int `json:"images"`
}

// FillOf is one article's contribution to a Fill.
func FillOf(a *Article) Fill {
	b := func(ok bool) int {
		if ok {
			return 1
		}
		return 0
	}
	t := a.PublishedAt.In(cst)
	return Fill{Articles: 1, Source: b(a.Source != ""), Editor: b(a.Editor != ""), Author: b(a.Author != ""),
		Time: b(t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0), Headline: b(a.Kicker != "" || a.Subtitle != ""),
		Images: b(len(a.Images) > 0)}
}

// Add returns f plus sign times g.
func (f Fill) Add(g Fill, sign int) Fill {
	return Fill{f.Articles + sign*g.Articles, f.Source + sign*g.Source, f.Editor + sign*g.Editor, f.Author + sign*g.Author,
		f.Time + sign*g.Time, f.Headline + sign*g.Headline, f.Images + sign*g.Images}
}

// FillField is one counted field, with the name the site's readers know.
type FillField struct {
	Name string
	N    int
}

// Fields lists the counted fields.
func (f Fill) Fields() []FillField {
	return []FillField{{"来源", f.Source}, {"责任编辑", f.Editor}, {"作者", f.Author}, {"发布时刻", f.Time}, {"引题/副题", f.Headline}, {"图片", f.Images}}
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

// MediaTodo is an image or attachment of a stored article to archive.
type MediaTodo struct {
	ID, URL, Channel string
	Image            bool // else an attachment
}

// Fetched is what fetching one URL by hand did (sppcrawl fetch).
type Fetched struct {
	Article *Article
	Before  *Article // what the archive held before, nil if nothing
	Outcome Outcome
	Result  UpsertResult // zero on a dry run
	DryRun  bool
	// Media files archived and recorded missing with it.
	Media, MediaMissing int
	// Gone is set when the URL, a stored article's, answered gone: Article
	// is then the article as stored (after the sighting).
	Gone *GoneSighting
}

// GoneSighting is what an answer saying gone (404/410, the site's homepage,
// a page of another kind) did to a stored article: one sighting toward its
// withdrawal, as a crawl counts them (see RecheckStore.RecordGone).
type GoneSighting struct {
	Reason    string // the answer, e.g. "HTTP 404"
	Withdrawn bool   // this sighting withdrew the article (the second run to see it gone)
	Already   bool   // the article was withdrawn before: nothing changed
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
	// Media URLs (images, attachments) archived, and those recorded as
	// missing (404, an HTML page for an image, over the size cap…);
	// MediaFiles counts the files new to the archive among them (one file
	// can be at several URLs).
	Media        int        `json:"media"`
	MediaFiles   int        `json:"media_files"`
	MediaMissing int        `json:"media_missing"`
	Requests     int        `json:"requests"`
	Outcome      RunOutcome `json:"outcome"`
	Error        string     `json:"error,omitempty"`
	// Warnings are what an operator must look at although nothing failed:
	// a channel missing, empty or shrunk, the template drifting. Any makes
	// the outcome failures.
	Warnings []string `json:"warnings,omitempty"`
	// Resuming lists the walks left unfinished, which the next run resumes
	// ("jczdal: page 7 of 12 (full walk)").
	Resuming []string `json:"resuming,omitempty"`
}

// String is the run's one line, as a cron mail shows it.
func (s RunSummary) String() string {
	final := ""
	for _, c := range []struct {
		n    int
		what string
	}{{s.Recovered, "recovered in the final pass"}, {s.Rechecked, "rechecked"}, {s.Withdrawn, "withdrawn"}, {s.Restored, "restored"},
		{s.Media, fmt.Sprintf("media URLs archived (%d new files)", s.MediaFiles)}, {s.MediaMissing, "media missing"}} {
		if c.n > 0 {
			final += fmt.Sprintf(", %d %s", c.n, c.what)
		}
	}
	line := fmt.Sprintf("crawl %s: %d channels, %d list pages, %d created, %d updated, %d unchanged, %d aliased, %d failed, %d gone%s, %d requests in %s",
		s.Outcome, s.Channels, s.ListPages, s.Created, s.Updated, s.Unchanged, s.Aliased, s.Failures, s.Gone, final, s.Requests,
		s.Finished.Sub(s.Started).Round(time.Millisecond))
	for _, r := range s.Resuming {
		line += "; resuming " + r
	}
	if len(s.Warnings) > 0 {
		line += fmt.Sprintf("; %d warnings (%s)", len(s.Warnings), strings.Join(s.Warnings, "; "))
	}
	return line
}

// Err is what makes a finished run not ok, for its exit status: pages that
// failed (retried by the next run) or warnings; nil when it was ok.
func (s RunSummary) Err() error {
	switch {
	case s.Failures > 0:
		return fmt.Errorf("%d pages failed; they are retried by the next run (sppcrawl failures lists them)", s.Failures)
	case len(s.Warnings) > 0:
		return fmt.Errorf("%d warnings: %s", len(s.Warnings), strings.Join(s.Warnings, "; "))
	}
	return nil
}
