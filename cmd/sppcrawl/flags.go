package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

// What a command does with the archive.
const (
	noArchive = iota
	reads     // read-only, waiting while a crawl holds it
	writes
)

// cli is what every command has: its flags (--db and --lock-timeout when it
// opens the archive, the log flags always, --format when it has one), its
// arguments, its logger, its archive once opened.
type cli struct {
	fs      *flag.FlagSet
	archive int
	db      store.Flags
	format  string // --log-format
	level   slog.Level
	quiet   bool
	log     *slog.Logger
	args    []string
	formats []string
	out     string // --format
	opened  *store.DB
	crawl   crawler.Config // checked crawl flags, when the command has them
	checks  []func() error // a command's own checks of its flags
}

func newCLI(cmd *command) *cli {
	c := &cli{fs: flag.NewFlagSet(cmd.name, flag.ContinueOnError), archive: cmd.archive, formats: cmd.formats}
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "Usage: sppcrawl %s %s\n\n%s.\n\nFlags:\n", cmd.name, cmd.synopsis, cmd.summary)
		c.fs.PrintDefaults()
	}
	if c.archive != noArchive {
		c.db.Register(c.fs, c.archive == reads)
		c.check(c.db.Check)
	}
	if c.formats != nil {
		c.fs.StringVar(&c.out, "format", c.formats[0], "output format: "+strings.Join(c.formats, " or "))
	}
	c.fs.StringVar(&c.format, "log-format", "text", "log format: text or json")
	c.fs.TextVar(&c.level, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	c.fs.BoolVar(&c.quiet, "quiet", false, "print nothing on success (warnings and errors still show), so a cron mail means trouble")
	return c
}

// parse parses args, flags wherever they stand among the other arguments
// (fetch URL --db x.db), and builds the logger. --help prints the usage on
// stdout; a usage error becomes exit status 2 and is printed once, by main.
func (c *cli) parse(args []string) error {
	for {
		c.fs.SetOutput(io.Discard)
		err := c.fs.Parse(args)
		c.fs.SetOutput(os.Stdout)
		switch {
		case errors.Is(err, flag.ErrHelp):
			c.fs.Usage()
			return flag.ErrHelp
		case err != nil:
			return usageErr("%v (sppcrawl %s --help lists the flags)", err, c.fs.Name())
		}
		args = c.fs.Args()
		i := 0
		for i < len(args) && (args[i] == "-" || !strings.HasPrefix(args[i], "-")) {
			i++
		}
		c.args = append(c.args, args[:i]...)
		if args = args[i:]; len(args) == 0 {
			break
		}
	}
	if c.formats != nil && !slices.Contains(c.formats, c.out) {
		return usageErr("--format %q: want %s", c.out, strings.Join(c.formats, " or "))
	}
	lvl := c.level
	if c.quiet {
		lvl = max(lvl, slog.LevelWarn)
	}
	// Times in +08:00: the site's clock, and stats'.
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			a.Value = slog.TimeValue(a.Value.Time().In(extract.CST()))
		}
		return a
	}}
	var out io.Writer = os.Stderr
	if c.progress() {
		out = crawler.ClearLine{W: os.Stderr}
	}
	switch strings.ToLower(c.format) {
	case "text":
		c.log = slog.New(slog.NewTextHandler(out, opts))
	case "json":
		c.log = slog.New(slog.NewJSONHandler(out, opts))
	default:
		return usageErr("--log-format %q: want text or json", c.format)
	}
	for _, check := range c.checks {
		if err := check(); err != nil {
			return usageError{err}
		}
	}
	return nil
}

// open opens the archive, which the runner closes after the command.
func (c *cli) open() (*store.DB, error) {
	db, err := c.db.Open(c.archive == reads)
	c.opened = db
	return db, err
}

func (c *cli) close() {
	if c.opened != nil {
		c.opened.Close()
	}
}

// progress reports whether a progress bar is drawn: on a terminal, unless
// quiet.
func (c *cli) progress() bool {
	fi, err := os.Stderr.Stat()
	return c.fs.Name() == "crawl" && !c.quiet && err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// print writes v to stdout as JSON under --format json, else as text does.
func (c *cli) print(v any, text func(io.Writer) error) error {
	if c.out == "json" {
		return publish.WriteJSON(os.Stdout, v)
	}
	return text(os.Stdout)
}

// summary prints a command's one line on stderr (nothing with --quiet when
// ok): the plain line, or under --log-format json one JSON object with the
// details beside it.
func (c *cli) summary(ok bool, line string, details any) {
	if c.quiet && ok {
		return
	}
	if strings.ToLower(c.format) != "json" {
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

// check adds a check of the command's flags and arguments, run by parse
// before the archive is opened; its error is a usage error.
func (c *cli) check(f func() error) { c.checks = append(c.checks, f) }

// crawlFlags registers the flags of a crawl (all of them, or those a fetch
// has); parse checks them into c.crawl.
func (c *cli) crawlFlags(crawl bool) {
	var f crawler.Flags
	f.Register(c.fs, crawl)
	c.check(func() (err error) {
		if c.progress() {
			f.Progress = os.Stderr
		}
		if c.crawl, err = f.Check(); err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "usage: "))
		}
		c.crawl.Logger = c.log
		return nil
	})
}

// crawler makes the crawler of the checked flags, storing into db (nil:
// nowhere).
func (c *cli) crawler(db *store.DB) (*crawler.Crawler, error) {
	var sink crawler.Sink // nil, not a nil *store.DB, when there is no archive
	if db != nil {
		sink = db
	}
	cr, err := crawler.New(c.crawl, sink)
	if err != nil {
		return nil, usageError{err}
	}
	return cr, nil
}
