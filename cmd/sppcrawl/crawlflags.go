package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/store"
)

// Groups of the flags of the commands that fetch: each command takes those
// that mean something to it (channels --discover only the network ones).
const (
	netFlags   = 1 << iota // --origin, --user-agent, --ignore-robots, --max-body, --timeout, --retries
	paceFlags              // --delay, --parallel
	walkFlags              // --channels, --full, --refresh, --since, --max-pages, --recheck
	mediaFlags             // --media, --max-image, --max-attachment
)

// crawlFlags fill a crawler.Config from the command line.
type crawlFlags struct {
	cfg                    crawler.Config
	groups                 int // the groups registered
	channels, since, media string
}

// register defines the flags of groups on fs.
func (f *crawlFlags) register(fs *flag.FlagSet, groups int) {
	c := &f.cfg
	c.Parallel, c.Media = 1, crawler.MediaNone
	f.groups = groups
	if groups&netFlags != 0 {
		fs.StringVar(&c.Origin, "origin", sppcrawl.Origin, "fetch from this mirror with the same paths, http(s)://host[:port] (stored URLs stay https://www.spp.gov.cn/...)")
		fs.StringVar(&c.UserAgent, "user-agent", crawler.UserAgent(version), "User-Agent header")
		fs.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "do not honour robots.txt")
		fs.IntVar(&c.MaxBody, "max-body", 8<<20, "largest page accepted, in bytes")
		fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "per-request timeout")
		fs.IntVar(&c.MaxAttempts, "retries", 4, "attempts per URL per run (timeouts, resets, 5xx, 429), 1 to 20")
	}
	if groups&paceFlags != 0 {
		fs.DurationVar(&c.Delay, "delay", time.Second, "pause between requests (plus up to half again of random jitter)")
		fs.IntVar(&c.Parallel, "parallel", 2, "requests in flight at once, 1 to 32")
	}
	if groups&walkFlags != 0 {
		fs.StringVar(&f.channels, "channels", "", "comma-separated channel keys or folders of the site to crawl (default all; see sppcrawl channels)")
		fs.BoolVar(&c.Full, "full", false, "walk every list page (backfill), still skipping stored articles")
		fs.BoolVar(&c.Refresh, "refresh", false, "re-fetch stored articles met on the walk (finds corrections)")
		fs.StringVar(&f.since, "since", "", "walk back to items published on this date (YYYY-MM-DD)")
		fs.IntVar(&c.MaxPages, "max-pages", 0, "list pages per channel at most (0: no limit; a walk cut short is resumed by the next run)")
		fs.IntVar(&c.Recheck, "recheck", 10, "also re-verify this many stored articles, those checked longest ago (0: none)")
	}
	if groups&mediaFlags != 0 {
		fs.StringVar(&f.media, "media", "all", "archive the files of the articles stored: all (images and attachments), images or none")
		fs.IntVar(&c.MaxImage, "max-image", 10<<20, "largest image archived, in bytes")
		fs.IntVar(&c.MaxAttachment, "max-attachment", 100<<20, "largest attachment archived, in bytes")
	}
}

// check refuses values that make no sense (naming the flag) and completes
// the Config: origin, channels, --since and --media parsed.
func (f *crawlFlags) check() (crawler.Config, error) {
	c := f.cfg
	for _, v := range []struct {
		group int
		bad   bool
		flag  string
		val   any
		want  string
	}{
		{paceFlags, c.Parallel < 1 || c.Parallel > 32, "parallel", c.Parallel, "1 to 32 (be polite to the site)"},
		{netFlags, c.MaxAttempts < 1 || c.MaxAttempts > 20, "retries", c.MaxAttempts, "1 to 20"},
		{netFlags, c.MaxBody < 1 || c.MaxBody > 1<<30, "max-body", c.MaxBody, "1 byte to 1 GiB"},
		{netFlags, c.Timeout <= 0, "timeout", c.Timeout, "a positive duration"},
		{paceFlags, c.Delay < 0, "delay", c.Delay, "a duration not negative"},
		{walkFlags, c.MaxPages < 0, "max-pages", c.MaxPages, "a number not negative"},
		{walkFlags, c.Recheck < 0, "recheck", c.Recheck, "a number not negative"},
		{mediaFlags, c.MaxImage < 1 || c.MaxImage > 1<<30, "max-image", c.MaxImage, "1 byte to 1 GiB"},
		{mediaFlags, c.MaxAttachment < 1 || c.MaxAttachment > 4<<30, "max-attachment", c.MaxAttachment, "1 byte to 4 GiB"},
	} {
		if f.groups&v.group != 0 && v.bad {
			return c, fmt.Errorf("--%s %v: want %s", v.flag, v.val, v.want)
		}
	}
	if c.Origin != "" {
		if _, err := crawler.ParseOrigin(c.Origin); err != nil {
			return c, fmt.Errorf("--origin: %w", err)
		}
	}
	var err error
	switch f.media {
	case "", "none":
	case "all":
		c.Media = crawler.MediaAll
	case "images":
		c.Media = crawler.MediaImages
	default:
		return c, fmt.Errorf("--media %q: want all, images or none", f.media)
	}
	if c.Channels, err = sppcrawl.SelectChannels(f.channels); err != nil {
		return c, fmt.Errorf("--channels: %w", err)
	}
	if f.since != "" {
		t, ok := sppcrawl.ParseDate(f.since)
		if !ok {
			return c, fmt.Errorf("--since %q: want a date such as 2026-08-01", f.since)
		}
		c.Since = t
	}
	return c, nil
}

// crawlConfig registers the crawl flags of groups on the command; parse
// checks them into the Config returned (filled by then), with the
// progress bar and the logger.
func (c *cli) crawlConfig(groups int) *crawler.Config {
	var f crawlFlags
	f.register(c.fs, groups)
	cfg := new(crawler.Config)
	c.check(func() (err error) {
		if *cfg, err = f.check(); err != nil {
			return err
		}
		if c.progress() {
			cfg.Progress = os.Stderr
		}
		cfg.Logger = c.log
		return nil
	})
	return cfg
}

// newCrawler makes the crawler of cfg, storing into db (nil: nowhere).
func newCrawler(cfg *crawler.Config, db *store.DB) (*crawler.Crawler, error) {
	var archive crawler.Archive // nil, not a nil *store.DB, when there is none
	if db != nil {
		archive = db
	}
	return crawler.New(*cfg, archive)
}
