package publish

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

// Stats is the state of an archive: what `sppcrawl stats` prints and
// /metrics exposes.
type Stats struct {
	Articles     int                  `json:"articles"`
	LastSeq      uint64               `json:"last_seq"`
	Channels     []store.ChannelCount `json:"channels"`
	LastRun      *extract.RunSummary  `json:"last_run,omitempty"`
	FailuresDue  int                  `json:"failures_due"`
	FailuresWait int                  `json:"failures_waiting"`
	Gone         int                  `json:"gone"`
	Failures     []extract.Failure    `json:"failures,omitempty"` // not gone
	Withdrawn    int                  `json:"withdrawn"`
	// OldestCheck: every article has been re-verified with the site since.
	OldestCheck time.Time `json:"oldest_check,omitzero"`
	// Upgraded says what the last upgrade of the archive's schema did.
	Upgraded string `json:"upgraded,omitempty"`
}

// GatherStats reads the state of the archive at now.
func GatherStats(ctx context.Context, db *store.DB, now time.Time) (*Stats, error) {
	var s Stats
	var err error
	if s.Articles, err = db.Count(ctx); err != nil {
		return nil, err
	}
	if s.LastSeq, err = db.LastSeq(ctx); err != nil {
		return nil, err
	}
	if s.Channels, err = db.CountByChannel(ctx); err != nil {
		return nil, err
	}
	if s.Withdrawn, err = db.Withdrawn(ctx); err != nil {
		return nil, err
	}
	if s.OldestCheck, err = db.OldestCheck(ctx); err != nil {
		return nil, err
	}
	if s.Upgraded, err = db.Upgraded(ctx); err != nil {
		return nil, err
	}
	if r, ok, err := db.LastRun(ctx); err != nil {
		return nil, err
	} else if ok {
		s.LastRun = &r
	}
	fails, err := db.Failures(ctx, false, now)
	if err != nil {
		return nil, err
	}
	for _, f := range fails {
		switch {
		case f.Gone:
			s.Gone++
		case f.NextRetry.After(now):
			s.FailuresWait++
			s.Failures = append(s.Failures, f)
		default:
			s.FailuresDue++
			s.Failures = append(s.Failures, f)
		}
	}
	return &s, nil
}

// localTime is how every time is shown to a person: the site's +08:00, as
// the logs write it too.
func localTime(t time.Time) string { return t.In(extract.CST()).Format("2006-01-02 15:04:05 -0700") }

// WriteText writes the stats for a person.
func (s *Stats) WriteText(w io.Writer, archive string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "archive %s: %d articles (%d withdrawn by the site), last seq %d\n", archive, s.Articles, s.Withdrawn, s.LastSeq)
	if !s.OldestCheck.IsZero() {
		fmt.Fprintf(bw, "every article re-verified within %s (the oldest check: %s)\n", age(time.Since(s.OldestCheck)), localTime(s.OldestCheck))
	}
	if s.Upgraded != "" {
		fmt.Fprintf(bw, "upgraded: %s\n", s.Upgraded)
	}
	fmt.Fprintln(bw)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tPATH\tARTICLES\tNEWEST")
	for _, c := range s.Channels {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s %s\n", extract.ChannelByPath(c.Path).Key, c.Path, c.Articles, c.Newest.Format("2006-01-02"), c.NewestID)
	}
	tw.Flush()
	fmt.Fprintln(bw)
	if s.LastRun != nil {
		fmt.Fprintf(bw, "last crawl: %s (finished %s)\n", s.LastRun, localTime(s.LastRun.Finished))
	} else {
		fmt.Fprintln(bw, "last crawl: none recorded")
	}
	fmt.Fprintf(bw, "failures: %d due for retry, %d waiting, %d gone (not retried)\n", s.FailuresDue, s.FailuresWait, s.Gone)
	const show = 20
	for i, f := range s.Failures {
		if i == show {
			fmt.Fprintf(bw, "  … and %d more (--format json lists them all)\n", len(s.Failures)-show)
			break
		}
		fmt.Fprintf(bw, "  %s  attempts %d, next %s: %s\n", f.URL, f.Attempts, f.NextRetry.In(extract.CST()).Format("01-02 15:04"), f.LastError)
	}
	return bw.Flush()
}

// age says a duration the way a person reads it: days, hours or minutes.
func age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
