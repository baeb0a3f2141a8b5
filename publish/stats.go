package publish

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
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
	// Media: image and attachment files archived, their bytes, and those
	// recorded missing.
	Media store.MediaCounts `json:"media"`
	// Ledger is, per channel, what the site announces against what the
	// archive holds, with the channel's health and any unfinished walk.
	Ledger []ChannelReport `json:"ledger"`
	// Warnings are the channels' health problems and template drift, as the
	// last runs found them: /healthz is degraded while there are any.
	Warnings []string `json:"warnings,omitempty"`
}

// ChannelReport is one channel of the ledger.
type ChannelReport struct {
	Key          string    `json:"key"`
	Name         string    `json:"name"`
	Path         string    `json:"path"`
	Announced    int       `json:"announced"` // the total its pager announces
	Stored       int       `json:"stored"`
	Failed       int       `json:"failed"` // in the failure log, retried
	Gone         int       `json:"gone"`
	Gaps         int       `json:"gaps"` // listed on its pages, never stored (stats --gaps)
	NewestID     string    `json:"newest_id,omitempty"`
	Newest       time.Time `json:"newest_published_at,omitzero"`
	Health       string    `json:"health,omitempty"`
	HealthReason string    `json:"health_reason,omitempty"`
	HealthSince  time.Time `json:"health_since,omitzero"`
	Drift        []string  `json:"drift,omitempty"`
	// Walk is an unfinished walk the next run resumes: "page 7 of 12 (full walk)".
	Walk    string    `json:"walk,omitempty"`
	LastRun time.Time `json:"last_run,omitzero"`
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
	if s.Media, err = db.MediaCounts(ctx); err != nil {
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
	return &s, s.ledger(ctx, db, fails)
}

// ledger fills Ledger and Warnings from the channels' states, counts,
// failures and gaps.
func (s *Stats) ledger(ctx context.Context, db *store.DB, fails []extract.Failure) error {
	states, err := db.ChannelStates(ctx)
	if err != nil {
		return err
	}
	gaps, err := db.Gaps(ctx, "")
	if err != nil {
		return err
	}
	byPath := map[string]*ChannelReport{}
	row := func(path string) *ChannelReport {
		if r := byPath[path]; r != nil {
			return r
		}
		c := extract.ChannelByPath(path)
		r := &ChannelReport{Key: c.Key, Name: c.Name, Path: path}
		byPath[path] = r
		return r
	}
	for _, st := range states {
		r := row(st.Path)
		if st.Name != "" {
			r.Name = st.Name
		}
		r.Announced, r.Health, r.HealthReason, r.HealthSince, r.Drift, r.LastRun = st.Total, st.Health, st.HealthReason, st.HealthSince, st.Drift, st.LastRun
		if st.Walk != nil {
			r.Walk = st.Walk.String()
		}
	}
	for _, c := range s.Channels {
		r := row(c.Path)
		r.Stored, r.NewestID, r.Newest = c.Articles, c.NewestID, c.Newest
	}
	for _, f := range fails {
		if f.Channel == "" || !extract.IsDetailURL(f.URL) {
			continue
		}
		if f.Gone {
			row(f.Channel).Gone++
		} else {
			row(f.Channel).Failed++
		}
	}
	for _, g := range gaps {
		row(g.Channel).Gaps++
	}
	for _, r := range byPath {
		s.Ledger = append(s.Ledger, *r)
	}
	slices.SortFunc(s.Ledger, func(a, b ChannelReport) int { return strings.Compare(a.Path, b.Path) })
	s.Warnings = channelWarnings(states)
	return nil
}

// channelWarnings are the channels' health problems and template drift, as
// the last runs recorded them.
func channelWarnings(states []extract.ChannelState) []string {
	var out []string
	slices.SortFunc(states, func(a, b extract.ChannelState) int { return strings.Compare(a.Path, b.Path) })
	for _, st := range states {
		c := extract.ChannelByPath(st.Path)
		if st.Name != "" {
			c.Name = st.Name
		}
		if st.Health != "" && st.Health != "ok" {
			out = append(out, fmt.Sprintf("%s: %s: %s", c.Label(), st.Health, st.HealthReason))
		}
		out = append(out, st.Drift...)
	}
	return out
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
	fmt.Fprintf(bw, "media: %d files archived (%.1f MiB), %d missing\n", s.Media.Files, float64(s.Media.Bytes)/(1<<20), s.Media.Missing)
	fmt.Fprintln(bw)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tHEALTH\tSTORED\tANNOUNCED\tFAILED\tGONE\tGAPS\tNEWEST\tWALK")
	for _, c := range s.Ledger {
		newest := ""
		if c.NewestID != "" {
			newest = c.Newest.In(extract.CST()).Format("2006-01-02") + " " + c.NewestID
		}
		walk := ""
		if c.Walk != "" {
			walk = "resuming: " + c.Walk
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", c.Key, orDash(c.Health), c.Stored, c.Announced, c.Failed, c.Gone, c.Gaps, newest, walk)
	}
	tw.Flush()
	fmt.Fprintln(bw)
	if len(s.Warnings) > 0 {
		fmt.Fprintln(bw, "warnings:")
		for _, w := range s.Warnings {
			fmt.Fprintln(bw, "  "+w)
		}
	}
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteGaps lists the gaps of the archive (URLs listed and never stored) for
// a person.
func WriteGaps(w io.Writer, gaps []store.Gap) error {
	bw := bufio.NewWriter(w)
	for _, g := range gaps {
		line := g.URL + "\t" + extract.ChannelByPath(g.Channel).Key + "\t" + g.Why
		if g.Error != "" {
			line += ": " + g.Error
		}
		fmt.Fprintln(bw, line)
	}
	return bw.Flush()
}

// WriteFailures lists failure records for a person, one a line: URL,
// channel, attempts, the next retry (or gone), the last error.
func WriteFailures(w io.Writer, fails []extract.Failure) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tCHANNEL\tATTEMPTS\tNEXT TRY\tLAST ERROR")
	for _, f := range fails {
		next := "gone: not retried"
		if !f.Gone {
			next = localTime(f.NextRetry)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", f.URL, extract.ChannelByPath(f.Channel).Key, f.Attempts, next, f.LastError)
	}
	tw.Flush()
	return bw.Flush()
}

// ChannelRow is a channel as `sppcrawl channels` lists it.
type ChannelRow struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Path    string `json:"path"`
	URL     string `json:"url"`
	Crawled bool   `json:"crawled"` // in the table crawled by default
}

// WriteChannels lists channels as a table or as JSON.
func WriteChannels(w io.Writer, chans []extract.Channel, asJSON bool) error {
	rows := []ChannelRow{}
	for _, c := range chans {
		rows = append(rows, ChannelRow{c.Key, c.Name, c.Path, extract.ListPageURL(c.Path, 1), extract.ChannelByPath(c.Path).Name != ""})
	}
	if asJSON {
		return WriteJSON(w, rows)
	}
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tPATH\tURL\tCRAWLED\tNAME")
	for _, r := range rows {
		crawled := "yes"
		if !r.Crawled {
			crawled = "no (--channels " + r.Path + ")"
		}
		// The name goes last: tabwriter counts a Chinese character as one column.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Key, r.Path, r.URL, crawled, r.Name)
	}
	tw.Flush()
	return bw.Flush()
}

// WriteVerify reports what verify found: one problem a line
// (kind<TAB>key<TAB>detail), or the whole report as JSON.
func WriteVerify(w io.Writer, rep store.VerifyReport, asJSON bool) error {
	if asJSON {
		return WriteJSON(w, rep)
	}
	bw := bufio.NewWriter(w)
	for _, p := range rep.Problems {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", p.Kind, p.Key, p.Detail)
	}
	return bw.Flush()
}
