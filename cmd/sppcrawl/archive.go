package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/store"
)

// archiveFlags are --db and --lock-timeout, for every command that opens the
// archive. Readers wait longer by default: a crawl holds the lock for its run.
type archiveFlags struct {
	path string
	wait time.Duration
}

func (a *archiveFlags) register(fs *flag.FlagSet, reader bool) {
	fs.StringVar(&a.path, "db", defaultDB, "archive file")
	wait, help := 2*time.Second, "how long to wait for the archive's lock"
	if reader {
		wait, help = 30*time.Second, "how long to wait while a crawl holds the archive"
	}
	fs.DurationVar(&a.wait, "lock-timeout", wait, help)
}

func (a *archiveFlags) open(readOnly bool) (*store.DB, error) {
	return openArchive(a.path, readOnly, a.wait)
}

// openArchive opens the archive; a held lock becomes exit status 4 with advice.
func openArchive(path string, readOnly bool, wait time.Duration) (*store.DB, error) {
	db, err := store.Open(path, store.Options{ReadOnly: readOnly, Timeout: wait})
	if errors.Is(err, store.ErrLocked) {
		return nil, withCode(exitLocked, fmt.Errorf("%w; if it is sppcrawl serve, let serve crawl (--crawl-every) or stop it", err))
	}
	return db, err
}

// crawlFlags configure fetching; crawl, fetch and serve share them.
type crawlFlags struct {
	origin       string
	channels     string
	full         bool
	refresh      bool
	since        string
	maxPages     int
	delay        time.Duration
	parallel     int
	userAgent    string
	ignoreRobots bool
	maxBody      int
	timeout      time.Duration
	retries      int
}

func (c *crawlFlags) register(fs *flag.FlagSet, walk bool) {
	fs.StringVar(&c.origin, "origin", extract.Origin, "fetch from this mirror with the same paths (stored URLs stay https://www.spp.gov.cn/...)")
	fs.StringVar(&c.userAgent, "user-agent", crawler.DefaultUserAgent(), "User-Agent header")
	fs.BoolVar(&c.ignoreRobots, "ignore-robots", false, "do not honour robots.txt")
	fs.IntVar(&c.maxBody, "max-body", 8<<20, "largest page accepted, in bytes")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.IntVar(&c.retries, "retries", 4, "attempts per URL per run (timeouts, resets, 5xx, 429)")
	// A walk makes many requests; fetch makes one per URL asked for, so it
	// has no delay or parallelism to tune.
	c.parallel = 1
	if walk {
		fs.DurationVar(&c.delay, "delay", time.Second, "pause between requests (plus up to half again of random jitter)")
		fs.IntVar(&c.parallel, "parallel", 2, "requests in flight at once")
		fs.StringVar(&c.channels, "channels", "", "comma-separated channel keys to crawl (default all; see sppcrawl channels)")
		fs.BoolVar(&c.full, "full", false, "walk every list page (backfill), still skipping stored articles")
		fs.BoolVar(&c.refresh, "refresh", false, "re-fetch stored articles met on the walk (finds corrections)")
		fs.StringVar(&c.since, "since", "", "stop paging at items published before this date (YYYY-MM-DD)")
		fs.IntVar(&c.maxPages, "max-pages", 0, "list pages per channel at most (0: no limit)")
	}
}

func (c *crawlFlags) config() (crawler.Config, error) {
	cfg := crawler.Config{
		Origin: c.origin, Full: c.full, Refresh: c.refresh, MaxPages: c.maxPages,
		Delay: c.delay, Parallel: c.parallel, UserAgent: c.userAgent, IgnoreRobots: c.ignoreRobots,
		MaxBody: c.maxBody, Timeout: c.timeout, MaxAttempts: c.retries,
	}
	var err error
	if cfg.Channels, err = extract.SelectChannels(c.channels); err != nil {
		return cfg, withCode(exitUsage, err)
	}
	if c.since != "" {
		t, ok := extract.ParseDate(c.since)
		if !ok {
			return cfg, withCode(exitUsage, fmt.Errorf("--since %q: want a date such as 2026-08-01", c.since))
		}
		cfg.Since = t
	}
	if c.parallel < 1 || c.retries < 1 || c.maxPages < 0 || c.delay < 0 {
		return cfg, withCode(exitUsage, errors.New("--parallel and --retries must be at least 1; --max-pages and --delay not negative"))
	}
	return cfg, nil
}
