package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/store"
)

const defaultDB = "sppcrawl.db"

// errHelp means --help was asked for and printed.
var errHelp = errors.New("help shown")

// newFlags makes a subcommand's FlagSet whose usage shows the synopsis.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sppcrawl %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args. --help prints the usage on stdout; a usage error
// becomes exit status 2 and is printed once, by main.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return errHelp
	case err != nil:
		return withCode(exitUsage, fmt.Errorf("%v (sppcrawl %s --help lists the flags)", err, fs.Name()))
	}
	return nil
}

func usageErr(format string, args ...any) error {
	return withCode(exitUsage, fmt.Errorf(format, args...))
}

// logFlags are shared by every command: logs go to stderr through slog, and
// the one-line summary of a command follows the same format.
type logFlags struct {
	format, level string
	quiet         bool
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.format, "log-format", "text", "log format: text or json")
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&l.quiet, "quiet", false, "print nothing on success (warnings and errors still show), so a cron mail means trouble")
}

// logger builds the command's logger. Times are in +08:00, the site's and
// stats' clock.
func (l *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(l.level)); err != nil {
		return nil, usageErr("--log-level %q: want debug, info, warn or error", l.level)
	}
	if l.quiet {
		lvl = max(lvl, slog.LevelWarn)
	}
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			a.Value = slog.TimeValue(a.Value.Time().In(extract.CST()))
		}
		return a
	}}
	switch strings.ToLower(l.format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageErr("--log-format %q: want text or json", l.format)
}

// summary prints a command's one line on stderr (nothing with --quiet when
// ok): the plain line, or under --log-format json one JSON object with the
// details beside it.
func (l *logFlags) summary(ok bool, line string, details any) {
	if l.quiet && ok {
		return
	}
	if strings.ToLower(l.format) != "json" {
		fmt.Fprintln(os.Stderr, line)
		return
	}
	level := "INFO"
	if !ok {
		level = "WARN"
	}
	b, _ := json.Marshal(map[string]any{"time": time.Now().In(extract.CST()), "level": level, "msg": line, "summary": details})
	fmt.Fprintln(os.Stderr, string(b))
}

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

// open opens the archive; a held lock becomes exit status 4 with advice.
func (a *archiveFlags) open(readOnly bool) (*store.DB, error) {
	if a.wait < 0 {
		return nil, usageErr("--lock-timeout %s: must not be negative", a.wait)
	}
	db, err := store.Open(a.path, store.Options{ReadOnly: readOnly, Timeout: max(a.wait, time.Millisecond)})
	if errors.Is(err, store.ErrLocked) {
		return nil, withCode(exitLocked, fmt.Errorf("%w; if it is sppcrawl serve, let serve crawl (--crawl-every) or stop it", err))
	}
	return db, err
}

// crawlFlags configure fetching; crawl, fetch and serve share them.
type crawlFlags struct {
	cfg                crawler.Config
	origin             string
	channels, since    string
	parallel, maxBody  int
	timeout, delay     time.Duration
	walk, ignoreRobots bool
}

func (c *crawlFlags) register(fs *flag.FlagSet, walk bool) {
	c.walk = walk
	fs.StringVar(&c.origin, "origin", extract.Origin, "fetch from this mirror with the same paths (stored URLs stay https://www.spp.gov.cn/...)")
	fs.StringVar(&c.cfg.UserAgent, "user-agent", crawler.DefaultUserAgent(), "User-Agent header")
	fs.BoolVar(&c.cfg.IgnoreRobots, "ignore-robots", false, "do not honour robots.txt")
	fs.IntVar(&c.maxBody, "max-body", 8<<20, "largest page accepted, in bytes")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.IntVar(&c.cfg.MaxAttempts, "retries", 4, "attempts per URL per run (timeouts, resets, 5xx, 429), 1 to 20")
	// A walk makes many requests; fetch makes one per URL asked for, so it
	// has no delay or parallelism to tune.
	c.parallel = 1
	if !walk {
		return
	}
	fs.DurationVar(&c.delay, "delay", time.Second, "pause between requests (plus up to half again of random jitter)")
	fs.IntVar(&c.parallel, "parallel", 2, "requests in flight at once, 1 to 32")
	fs.StringVar(&c.channels, "channels", "", "comma-separated channel keys or folders of the site to crawl (default all; see sppcrawl channels)")
	fs.BoolVar(&c.cfg.Full, "full", false, "walk every list page (backfill), still skipping stored articles")
	fs.BoolVar(&c.cfg.Refresh, "refresh", false, "re-fetch stored articles met on the walk (finds corrections)")
	fs.StringVar(&c.since, "since", "", "stop paging at items published before this date (YYYY-MM-DD)")
	fs.IntVar(&c.cfg.MaxPages, "max-pages", 0, "list pages per channel at most (0: no limit)")
	fs.IntVar(&c.cfg.Recheck, "recheck", 10, "also re-verify this many stored articles, those checked longest ago (0: none)")
}

// config checks the flags and returns the crawler's configuration.
func (c *crawlFlags) config(log *slog.Logger) (crawler.Config, error) {
	cfg := c.cfg
	cfg.Origin, cfg.Delay, cfg.Parallel, cfg.MaxBody, cfg.Timeout, cfg.Logger = c.origin, c.delay, c.parallel, c.maxBody, c.timeout, log
	switch {
	case c.parallel < 1 || c.parallel > 32:
		return cfg, usageErr("--parallel %d: want 1 to 32 (be polite to the site)", c.parallel)
	case cfg.MaxAttempts < 1 || cfg.MaxAttempts > 20:
		return cfg, usageErr("--retries %d: want 1 to 20", cfg.MaxAttempts)
	case c.maxBody < 1 || c.maxBody > 1<<30:
		return cfg, usageErr("--max-body %d: want 1 byte to 1 GiB", c.maxBody)
	case c.timeout <= 0:
		return cfg, usageErr("--timeout %s: must be positive", c.timeout)
	case c.delay < 0:
		return cfg, usageErr("--delay %s: must not be negative", c.delay)
	case cfg.MaxPages < 0:
		return cfg, usageErr("--max-pages %d: must not be negative", cfg.MaxPages)
	case cfg.Recheck < 0:
		return cfg, usageErr("--recheck %d: must not be negative", cfg.Recheck)
	}
	var err error
	if cfg.Channels, err = extract.SelectChannels(c.channels); err != nil {
		return cfg, withCode(exitUsage, err)
	}
	if c.since != "" {
		t, ok := extract.ParseDate(c.since)
		if !ok {
			return cfg, usageErr("--since %q: want a date such as 2026-08-01", c.since)
		}
		cfg.Since = t
	}
	return cfg, nil
}
