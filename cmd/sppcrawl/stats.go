package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

// archiveStats is what stats prints (and /metrics exposes).
type archiveStats struct {
	Articles     int                  `json:"articles"`
	LastSeq      uint64               `json:"last_seq"`
	Channels     []store.ChannelCount `json:"channels"`
	LastRun      *extract.RunSummary  `json:"last_run,omitempty"`
	FailuresDue  int                  `json:"failures_due"`
	FailuresWait int                  `json:"failures_waiting"`
	Gone         int                  `json:"gone"`
	Failures     []extract.Failure    `json:"failures,omitempty"` // not gone
}

func gatherStats(ctx context.Context, db *store.DB, now time.Time) (*archiveStats, error) {
	var s archiveStats
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

func runStats(ctx context.Context, args []string) error {
	fs := newFlags("stats", "[--db FILE] [--format text|json]")
	var af archiveFlags
	af.register(fs, true)
	format := fs.String("format", "text", "output format: text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return withCode(exitUsage, fmt.Errorf("--format %q: want text or json", *format))
	}
	archive, err := af.open(true)
	if err != nil {
		return err
	}
	defer archive.Close()
	s, err := gatherStats(ctx, archive, time.Now())
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(os.Stdout, s, "  ")
	}
	names := map[string]string{}
	for _, c := range extract.Channels {
		names[c.Path] = c.Key
	}
	fmt.Printf("archive %s: %d articles, last seq %d\n\n", af.path, s.Articles, s.LastSeq)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tPATH\tARTICLES\tNEWEST")
	for _, c := range s.Channels {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s %s\n", names[c.Path], c.Path, c.Articles, c.Newest.Format("2006-01-02"), c.NewestID)
	}
	tw.Flush()
	fmt.Println()
	if s.LastRun != nil {
		fmt.Printf("last crawl: %s (finished %s)\n", summaryLine(*s.LastRun), s.LastRun.Finished.In(extract.CST()).Format("2006-01-02 15:04:05 -0700"))
	} else {
		fmt.Println("last crawl: none recorded")
	}
	fmt.Printf("failures: %d due for retry, %d waiting, %d gone (not retried)\n", s.FailuresDue, s.FailuresWait, s.Gone)
	const show = 20
	for i, f := range s.Failures {
		if i == show {
			fmt.Printf("  … and %d more (--format json lists them all)\n", len(s.Failures)-show)
			break
		}
		fmt.Printf("  %s  attempts %d, next %s: %s\n", f.URL, f.Attempts, f.NextRetry.In(extract.CST()).Format("01-02 15:04"), f.LastError)
	}
	return nil
}
