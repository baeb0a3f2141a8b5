package crawler

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"sppcrawl/extract"
)

// ErrUsage wraps a flag value that makes no sense (a usage error, exit 2).
var ErrUsage = errors.New("usage")

// Flags are the command-line flags of the commands that fetch (crawl,
// fetch, serve, channels --discover), filling a Config.
type Flags struct {
	Config
	channels, since, media string
}

// Register defines the flags on fs; walk adds those of a walk of the list
// pages (fetch makes one request per URL asked for: no delay or
// parallelism to tune).
func (f *Flags) Register(fs *flag.FlagSet, walk bool) {
	c := &f.Config
	fs.StringVar(&c.Origin, "origin", extract.Origin, "fetch from this mirror with the same paths (stored URLs stay https://www.spp.gov.cn/...)")
	fs.StringVar(&c.UserAgent, "user-agent", DefaultUserAgent(), "User-Agent header")
	fs.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "do not honour robots.txt")
	fs.IntVar(&c.MaxBody, "max-body", 8<<20, "largest page accepted, in bytes")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.IntVar(&c.MaxAttempts, "retries", 4, "attempts per URL per run (timeouts, resets, 5xx, 429), 1 to 20")
	fs.StringVar(&f.media, "media", "all", "archive the files of the articles stored: all (images and attachments), images or none")
	fs.IntVar(&c.MaxImage, "max-image", 10<<20, "largest image archived, in bytes")
	fs.IntVar(&c.MaxAttachment, "max-attachment", 100<<20, "largest attachment archived, in bytes")
	c.Parallel = 1
	if !walk {
		return
	}
	fs.DurationVar(&c.Delay, "delay", time.Second, "pause between requests (plus up to half again of random jitter)")
	fs.IntVar(&c.Parallel, "parallel", 2, "requests in flight at once, 1 to 32")
	fs.StringVar(&f.channels, "channels", "", "comma-separated channel keys or folders of the site to crawl (default all; see sppcrawl channels)")
	fs.BoolVar(&c.Full, "full", false, "walk every list page (backfill), still skipping stored articles")
	fs.BoolVar(&c.Refresh, "refresh", false, "re-fetch stored articles met on the walk (finds corrections)")
	fs.StringVar(&f.since, "since", "", "walk back to items published on this date (YYYY-MM-DD)")
	fs.IntVar(&c.MaxPages, "max-pages", 0, "list pages per channel at most (0: no limit; a walk cut short is resumed by the next run)")
	fs.IntVar(&c.Recheck, "recheck", 10, "also re-verify this many stored articles, those checked longest ago (0: none)")
}

// Check refuses values that make no sense (errors wrap ErrUsage and name
// the flag) and completes the Config: channels and --since parsed.
func (f *Flags) Check() (Config, error) {
	c := f.Config
	for _, v := range []struct {
		bad  bool
		flag string
		val  any
		want string
	}{
		{c.Parallel < 1 || c.Parallel > 32, "parallel", c.Parallel, "1 to 32 (be polite to the site)"},
		{c.MaxAttempts < 1 || c.MaxAttempts > 20, "retries", c.MaxAttempts, "1 to 20"},
		{c.MaxBody < 1 || c.MaxBody > 1<<30, "max-body", c.MaxBody, "1 byte to 1 GiB"},
		{c.Timeout <= 0, "timeout", c.Timeout, "a positive duration"},
		{c.Delay < 0, "delay", c.Delay, "a duration not negative"},
		{c.MaxPages < 0, "max-pages", c.MaxPages, "a number not negative"},
		{c.Recheck < 0, "recheck", c.Recheck, "a number not negative"},
		{c.MaxImage < 1 || c.MaxImage > 1<<30, "max-image", c.MaxImage, "1 byte to 1 GiB"},
		{c.MaxAttachment < 1 || c.MaxAttachment > 4<<30, "max-attachment", c.MaxAttachment, "1 byte to 4 GiB"},
	} {
		if v.bad {
			return c, fmt.Errorf("%w: --%s %v: want %s", ErrUsage, v.flag, v.val, v.want)
		}
	}
	var err error
	if f.media != "" {
		if c.Media, err = ParseMediaMode(f.media); err != nil {
			return c, err
		}
	}
	if c.Channels, err = extract.SelectChannels(f.channels); err != nil {
		return c, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if f.since != "" {
		t, ok := extract.ParseDate(f.since)
		if !ok {
			return c, fmt.Errorf("%w: --since %q: want a date such as 2026-08-01", ErrUsage, f.since)
		}
		c.Since = t
	}
	return c, nil
}
