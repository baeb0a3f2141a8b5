package main

import (
	"context"
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
	"unicode"

	"sppcrawl"
	"sppcrawl/postgres"
	"sppcrawl/store"
)

// cli is what every command has: its flags (--db and --lock-timeout when it
// opens the archive, the log flags always, --format when it has one), its
// arguments, its streams, its logger, its archive once opened.
type cli struct {
	streams
	fs      *flag.FlagSet
	db      archiveFlags
	mode    func() sppcrawl.OpenMode // how the archive is opened, asked once the flags are checked
	logFmt  string                   // --log-format
	level   slog.Level
	quiet   bool
	log     *slog.Logger
	args    []string
	formats []string
	out     string // --format
	opened  *store.DB
	pg      *postgres.DB   // the archive, when --db names a PostgreSQL database
	checks  []func() error // a command's own checks of its flags
	crawl   crawlFlags     // the crawl flags, when the command has them
	// indexes: the command changes articles, and the search index is
	// caught up with what it stored before it ends (keepIndex).
	indexes bool
	reindex bool // what the archive held was replaced: the index is made again
	// checkIndex: the index's pages are read first (verify), and a damaged
	// file is made again.
	checkIndex bool
	index      string         // --index: the search index's file; "": search.DefaultPath's
	terms      bool           // its arguments are query terms: -term excludes (isTerm)
	pending    []func()       // summaries held until the index caught up
	closers    []func() error // closed with the archive, after the command
}

// flushSummaries prints the summaries held back by summary.
func (c *cli) flushSummaries() {
	c.indexes = false // the index is caught up: summaries print at once
	for _, p := range c.pending {
		p()
	}
	c.pending = nil
}

func newCLI(cmd commandInfo, s streams) *cli {
	c := &cli{streams: s, fs: flag.NewFlagSet(cmd.name, flag.ContinueOnError), formats: cmd.formats,
		mode: func() sppcrawl.OpenMode { return sppcrawl.OpenNone }}
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "Usage: sppcrawl %s %s\n\n%s.\n\nFlags:\n", cmd.name, cmd.synopsis, cmd.summary)
		c.fs.PrintDefaults()
	}
	if c.formats != nil {
		c.fs.StringVar(&c.out, "format", c.formats[0], "output format: "+strings.Join(c.formats, " or "))
	}
	c.fs.StringVar(&c.logFmt, "log-format", "text", "log format: text or json")
	c.fs.TextVar(&c.level, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	c.fs.BoolVar(&c.quiet, "quiet", false, "print nothing on success (warnings and errors still show), so a cron mail means trouble")
	return c
}

// archive declares that the command opens the archive: --db and
// --lock-timeout are registered (a reader waits longer for the lock than a
// writer, as a crawl may hold it for minutes), and mode, asked once the
// flags are parsed and checked, says how to open it.
func (c *cli) archive(reader bool, mode func() sppcrawl.OpenMode) {
	c.db.register(c.fs, reader)
	c.check(c.db.check)
	c.mode = mode
}

// uses is archive for a command that always opens it the same way.
func (c *cli) uses(m sppcrawl.OpenMode) {
	c.archive(m == sppcrawl.OpenReads, func() sppcrawl.OpenMode { return m })
}

// parse parses args, flags wherever they stand among the other arguments
// (fetch URL --db x.db), builds the logger and runs the command's checks.
// --help prints the usage on stdout; a usage error becomes exit status 2
// and is printed once, by main.
func (c *cli) parse(args []string) error {
	if err := c.parseFlags(args); err != nil {
		return err
	}
	if c.formats != nil && !slices.Contains(c.formats, c.out) {
		return usageErr("--format %q: want %s", c.out, strings.Join(c.formats, " or "))
	}
	if err := c.setLogger(); err != nil {
		return err
	}
	for _, check := range c.checks {
		if err := check(); err != nil {
			if errors.As(err, new(usageError)) {
				return err
			}
			return usageError{err}
		}
	}
	return nil
}

func (c *cli) parseFlags(args []string) error {
	for len(args) > 0 {
		// Flags are parsed up to the next argument taken as it is: after
		// --, everything; for a command of query terms, a -term that is no
		// flag (-title:头条, -受贿).
		head, tail := args, []string(nil)
		for i, a := range args {
			if a == "--" || c.terms && isTerm(a) {
				head, tail = args[:i], args[i:]
				break
			}
		}
		if err := c.parseRun(head); err != nil {
			return err
		}
		switch {
		case len(tail) == 0:
			return nil
		case tail[0] == "--":
			c.args = append(c.args, tail[1:]...)
			return nil
		}
		c.args = append(c.args, tail[0])
		args = tail[1:]
	}
	return nil
}

// parseRun parses flags and the arguments between them.
func (c *cli) parseRun(args []string) error {
	for len(args) > 0 {
		c.fs.SetOutput(io.Discard)
		err := c.fs.Parse(args)
		c.fs.SetOutput(c.Stdout)
		switch {
		case errors.Is(err, flag.ErrHelp):
			c.fs.Usage()
			return flag.ErrHelp
		case err != nil:
			return usageError{err}
		}
		args = c.fs.Args()
		i := 0
		for i < len(args) && (args[i] == "-" || !strings.HasPrefix(args[i], "-")) {
			i++
		}
		c.args = append(c.args, args[:i]...)
		args = args[i:]
	}
	return nil
}

// isTerm says whether an argument that begins with - is a query term
// excluded rather than a flag: one with a colon (-title:头条) or a
// character that is no flag's (-受贿). An English word to exclude follows
// -- (search -- court -law).
func isTerm(a string) bool {
	if len(a) < 2 || a[0] != '-' || a[1] == '-' {
		return false
	}
	return strings.ContainsFunc(a[1:], func(r rune) bool { return r == ':' || r > unicode.MaxASCII })
}

// setLogger builds the log/slog logger of --log-format and --log-level,
// with times in +08:00: the site's clock, and stats'.
func (c *cli) setLogger() error {
	lvl := c.level
	if c.quiet {
		lvl = max(lvl, slog.LevelWarn)
	}
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			a.Value = slog.TimeValue(a.Value.Time().In(sppcrawl.CST()))
		}
		return a
	}}
	out := c.Stderr
	if c.progress() {
		out = clearLine{c.Stderr}
	}
	switch strings.ToLower(c.logFmt) {
	case "text":
		c.log = slog.New(slog.NewTextHandler(out, opts))
	case "json":
		c.log = slog.New(slog.NewJSONHandler(out, opts))
	default:
		return usageErr("--log-format %q: want text or json", c.logFmt)
	}
	return nil
}

// run parses args, opens the archive as the command asked, does the
// command's work on it, catches the search index up with what the work
// stored, prints the summaries held back, and closes the archive; the
// error is the first of these that failed.
func (c *cli) run(ctx context.Context, args []string, work func(context.Context, sppcrawl.Archive) error) error {
	err := c.parse(args)
	var db sppcrawl.Archive
	if err == nil {
		db, err = c.open(ctx)
	}
	if err == nil {
		err = c.crawl.resolveKnown(ctx, db)
	}
	if err == nil {
		err = work(ctx, db)
		err = c.keepIndex(ctx, c.openedArchive(), err) // the command may have opened another (verify --repair's salvage)
		c.flushSummaries()
	}
	if cerr := c.close(); err == nil {
		err = cerr
	}
	return err
}

// isTerminal says whether w is a terminal (a progress bar is drawn there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// open opens the archive as the command's mode says (nil for none), which
// the runner closes after the command.
func (c *cli) open(ctx context.Context) (sppcrawl.Archive, error) {
	if postgres.IsDSN(c.db.path) {
		var err error
		c.pg, err = postgres.OpenAs(ctx, c.db.path, c.mode())
		return c.openedArchive(), err
	}
	db, err := c.db.open(ctx, c.mode(), c.fs.Name())
	c.opened = db
	return c.openedArchive(), err
}

func (c *cli) close() error {
	var errs []error
	for _, f := range c.closers {
		errs = append(errs, f())
	}
	if c.opened != nil {
		errs = append(errs, c.opened.Close())
	}
	if c.pg != nil {
		errs = append(errs, c.pg.Close())
	}
	return errors.Join(errs...)
}

// progress reports whether a progress bar is drawn: on a terminal, unless
// quiet, for the commands that run long.
func (c *cli) progress() bool {
	long := c.fs.Name() == "crawl" || c.fs.Name() == "index" || c.fs.Name() == "search"
	return long && !c.quiet && isTerminal(c.Stderr)
}

// print writes v to stdout as JSON under --format json, else as text does
// (through a writer that lets no control character reach the terminal).
func (c *cli) print(v any, text func(io.Writer) error) error {
	if c.out == "json" {
		return writeJSON(c.Stdout, v)
	}
	return text(&safeWriter{w: c.Stdout})
}

// summary prints a command's one line on stderr (nothing with --quiet when
// ok): the plain line, or under --log-format json one JSON object with the
// details beside it.
func (c *cli) summary(ok bool, line string, details any) {
	if c.quiet && ok {
		return
	}
	if c.indexes {
		// Printed once the search index has caught up: the summary is the
		// command's last line.
		c.pending = append(c.pending, func() { c.summary(ok, line, details) })
		return
	}
	if strings.ToLower(c.logFmt) != "json" {
		fmt.Fprintln(c.Stderr, terminalSafe(line))
		return
	}
	level := "INFO"
	if !ok {
		level = "WARN"
	}
	b, _ := json.Marshal(map[string]any{"time": time.Now().In(sppcrawl.CST()), "level": level, "msg": line, "summary": details})
	fmt.Fprintln(c.Stderr, string(b))
}

// check adds a check of the command's flags and arguments, run by parse
// before the archive is opened; its error is a usage error.
func (c *cli) check(f func() error) { c.checks = append(c.checks, f) }

// writeJSON writes v as indented JSON without HTML escaping (body_html and
// titles stay readable).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// clearLine wraps the terminal the progress bar is drawn on for the log:
// each write (slog writes a record in one) first erases the bar's line, so
// a log line never lands in the middle of the bar, which redraws below.
type clearLine struct{ w io.Writer }

func (c clearLine) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, "\r\033[K"); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
