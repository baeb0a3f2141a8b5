package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/postgres"
	"sppcrawl/sites"
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
	site                   string        // --site: a key or host; "": sites.Default()
	fs                     *flag.FlagSet // what was set explicitly, for --site's defaults
	// pending is the Config whose --channels only the archive can
	// resolve (resolveKnown), nil when resolved.
	pending *crawler.Config
	// manySites: --site may name several sites (crawl), whose configs,
	// one per site, check fills in group.
	manySites bool
	group     []crawler.Config
	// origins are the mirrors --origin SITE=URL,… names for several sites,
	// by host.
	origins map[string]string
}

// register defines the flags of groups on fs.
func (f *crawlFlags) register(fs *flag.FlagSet, groups int) {
	c := &f.cfg
	c.Site = sites.Default()
	pace := c.Site.Politeness()
	c.Parallel, c.Media = 1, crawler.MediaNone
	f.groups, f.fs = groups, fs
	if groups&netFlags != 0 {
		fs.StringVar(&f.site, "site", "", "the site: spp (www.spp.gov.cn, the default), a key or `HOST` that sppcrawl sites lists, or any .gov.cn host of a local procuratorate's TRS site (www.gd.jcy.gov.cn)")
		fs.StringVar(&c.Origin, "origin", c.Site.Origin(), "fetch from this mirror with the same paths, http(s)://host[:port] (stored URLs keep the site's own https://HOST/...); with several sites, SITE=URL[,SITE=URL…]")
		fs.StringVar(&c.UserAgent, "user-agent", crawler.UserAgent(version), "User-Agent header")
		fs.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "do not honour robots.txt")
		fs.IntVar(&c.MaxBody, "max-body", 8<<20, "largest page accepted, in bytes")
		fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "per-request timeout")
		fs.IntVar(&c.MaxAttempts, "retries", 4, "attempts per URL per run (timeouts, resets, 5xx, 429), 1 to 20")
	}
	if groups&paceFlags != 0 {
		fs.DurationVar(&c.Delay, "delay", pace.Delay, "pause between requests (plus up to half again of random jitter)")
		fs.IntVar(&c.Parallel, "parallel", pace.Parallel, "requests in flight at once, 1 to 32")
	}
	if groups&walkFlags != 0 {
		fs.StringVar(&f.channels, "channels", "", "comma-separated channel keys or folders of the site to crawl (default: the whole site, as its navigation lists it; builtin: the 12 of the table; see sppcrawl channels)")
		fs.BoolVar(&c.Full, "full", false, "walk every list page (backfill), still skipping stored articles")
		fs.BoolVar(&c.Refresh, "refresh", false, "re-fetch stored articles met on the walk (finds corrections)")
		fs.StringVar(&f.since, "since", "", "walk back to items published on this date (YYYY-MM-DD)")
		fs.IntVar(&c.MaxPages, "max-pages", 0, "list pages per channel at most (0: no limit; a walk cut short is resumed by the next run)")
		fs.IntVar(&c.Recheck, "recheck", 10, "also re-verify this many stored articles, those checked longest ago (0: none)")
		fs.DurationVar(&c.Lease, "lease", 2*time.Minute, "on a PostgreSQL archive crawled by several processes at once: how long a channel's walk stays this process's without renewal (a process killed holds it that long)")
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
	var many []sppcrawl.Site
	switch {
	case f.manySites && strings.Contains(f.site, ","):
		var err error
		if many, err = f.lookupSites(); err != nil {
			return c, err
		}
		f.useSite(&c, many[0])
		c.Origin = cmp.Or(f.origins[strings.ToLower(many[0].Host())], many[0].Origin())
	case f.site != "":
		s, err := lookupSite(f.site)
		if err != nil {
			return c, err
		}
		f.useSite(&c, s)
	}
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
		{walkFlags, c.Lease < time.Second, "lease", c.Lease, "a second or more"},
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
	if err := f.choices(&c); err != nil {
		return c, err
	}
	f.group = nil
	for _, s := range many {
		one := c
		f.useSite(&one, s)
		one.Origin = cmp.Or(f.origins[strings.ToLower(s.Host())], s.Origin())
		f.group = append(f.group, one)
	}
	return c, nil
}

// lookupSites are the sites a --site list names (spp,www.gd.jcy.gov.cn),
// each once; a mirror (--origin) and channels (--channels) are one
// site's, so either is refused with several.
func (f *crawlFlags) lookupSites() ([]sppcrawl.Site, error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	var out []sppcrawl.Site
	hosts := map[string]bool{}
	for _, name := range strings.Split(f.site, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		s, err := lookupSite(name)
		if err != nil {
			return nil, err
		}
		if h := strings.ToLower(s.Host()); hosts[h] {
			return nil, fmt.Errorf("--site %q: %s named twice", f.site, h)
		} else {
			hosts[h] = true
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--site %q: no site named", f.site)
	}
	if set["channels"] && len(out) > 1 {
		return nil, fmt.Errorf("--channels: only with one site (--site names %d)", len(out))
	}
	if set["origin"] && len(out) > 1 {
		origins, err := siteOrigins(f.cfg.Origin, hosts)
		if err != nil {
			return nil, err
		}
		f.origins = origins
	}
	return out, nil
}

// siteOrigins reads --origin SITE=URL[,SITE=URL…], the mirrors of some of
// the sites of a --site list (hosts: theirs), by host; a bare URL would be
// every site's mirror, which no two sites share, so it is refused.
func siteOrigins(list string, hosts map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(list, ",") {
		name, origin, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return nil, fmt.Errorf("--origin %q: with several sites, name each site's mirror: SITE=URL[,SITE=URL…]", pair)
		}
		s, err := lookupSite(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("--origin %q: %w", pair, err)
		}
		h := strings.ToLower(s.Host())
		if !hosts[h] {
			return nil, fmt.Errorf("--origin %q: %s is not one of the sites --site names", pair, h)
		}
		if _, dup := out[h]; dup {
			return nil, fmt.Errorf("--origin %q: %s given two mirrors", pair, h)
		}
		if _, err := crawler.ParseOrigin(origin); err != nil {
			return nil, fmt.Errorf("--origin %q: %w", pair, err)
		}
		out[h] = origin
	}
	return out, nil
}

// choices completes the Config from the flags that name a choice: --media,
// --channels and --since.
func (f *crawlFlags) choices(c *crawler.Config) error {
	switch f.media {
	case "", "none":
	case "all":
		c.Media = crawler.MediaAll
	case "images":
		c.Media = crawler.MediaImages
	default:
		return fmt.Errorf("--media %q: want all, images or none", f.media)
	}
	switch {
	case f.groups&walkFlags == 0:
	case strings.TrimSpace(f.channels) == "":
		c.Discover = true // the whole site
	case f.channels == "builtin":
		c.Channels = c.Site.Channels()
	default:
		// Keys of channels discovered on the site are known to the archive:
		// those are resolved once it is open (see newCrawler).
		if _, err := sites.SelectChannels(c.Site, f.channels, knownChannel(f.channels)...); err != nil {
			return fmt.Errorf("--channels: %w", err)
		}
	}
	if f.since != "" {
		t, ok := sppcrawl.ParseDate(f.since)
		if !ok {
			return fmt.Errorf("--since %q: want a date such as 2026-08-01", f.since)
		}
		c.Since = t
	}
	return nil
}

// crawlConfig registers the crawl flags of groups on the command; parse
// checks them into the Config returned (filled by then), with the
// progress bar and the logger.
func (c *cli) crawlConfig(groups int) *crawler.Config {
	f := &c.crawl
	f.register(c.fs, groups)
	cfg := new(crawler.Config)
	c.check(func() (err error) {
		if *cfg, err = f.check(); err != nil {
			return err
		}
		if err := f.resolveChannels(cfg, c.db); err != nil {
			return err
		}
		if c.progress() {
			cfg.Progress = c.Stderr
		}
		cfg.Logger = c.log
		return nil
	})
	return cfg
}

// knownChannel stands for the keys of a --channels list that only the
// archive's site map can resolve, so that the flag's check refuses only
// what is malformed: a key that is no name (nope!), a folder off the site.
func knownChannel(list string) []sppcrawl.Channel {
	var out []sppcrawl.Channel
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" && !strings.Contains(k, "/") && isKey(k) {
			out = append(out, sppcrawl.Channel{Key: k, Path: "/" + k + "/"})
		}
	}
	return out
}

// isKey: the shape of a channel key (lower-case letters, digits, -).
func isKey(k string) bool {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return k != ""
}

// resolveChannels resolves --channels against the table before the
// archive is opened. A list that names keys only the archive's site map
// knows (channels discovered on the site) is resolved once the command
// has the archive open (resolveKnown); where there is no archive file to
// know them, it is refused now, so that a list that does not resolve
// creates nothing.
func (f *crawlFlags) resolveChannels(cfg *crawler.Config, db archiveFlags) error {
	if f.groups&walkFlags == 0 || cfg.Discover || cfg.Channels != nil {
		return nil
	}
	chans, err := sites.SelectChannels(cfg.Site, f.channels)
	if err == nil {
		cfg.Channels = chans
		return nil
	}
	if _, serr := os.Stat(db.path); serr == nil || postgres.IsDSN(db.path) {
		f.pending = cfg
		return nil
	}
	return fmt.Errorf("--channels: %w", err)
}

// resolveKnown resolves a --channels list left to the archive by
// resolveChannels against the channels its site map knows.
func (f *crawlFlags) resolveKnown(ctx context.Context, archive sppcrawl.Archive) error {
	if f.pending == nil {
		return nil
	}
	var known []sppcrawl.Channel
	if archive != nil {
		m, err := archive.ForSite(f.pending.Site).SiteMap(ctx)
		if err != nil {
			return err
		}
		known = m.AllOf(f.pending.Site.Channels())
	}
	chans, err := sites.SelectChannels(f.pending.Site, f.channels, known...)
	if err != nil {
		return usageErr("--channels: %w", err)
	}
	f.pending.Channels = chans
	return nil
}

// newCrawler makes the crawler of cfg, storing into db (nil: nowhere).
func newCrawler(cfg *crawler.Config, db sppcrawl.Archive) (*crawler.Crawler, error) {
	var archive crawler.Archive // nil, not a nil interface in an interface, when there is none
	if db != nil {
		archive = db
	}
	return crawler.New(*cfg, archive)
}
