// Command sppcrawl crawls, archives and republishes the announcements of the
// Supreme People's Procuratorate (www.spp.gov.cn).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sppcrawl"
	"syscall"

	"sppcrawl/crawler"
	"sppcrawl/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.2.0"

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitFailures = 1 // failures remain, or a command failed
	exitUsage    = 2
	exitBlocked  = 3 // anti-bot challenge
	exitLocked   = 4 // another sppcrawl holds the archive
	exitSignal   = 130
)

// usageError is a command line that makes no sense: exit status 2.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func usageErr(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// command is a subcommand: setup defines its own flags on c (with checks of
// them, run by parse, and how it opens the archive) and returns the work to
// do once they are parsed and checked, given the archive opened as the
// command asked (nil for none).
type command struct {
	name, summary, synopsis string
	formats                 []string // --format values, the first the default; nil: no --format
	setup                   func(c *cli) func(ctx context.Context, db sppcrawl.Archive) error
}

// commands, in the order the usage lists them (set in init: they refer to
// the usage).
var commands []command

func init() {
	commands = []command{crawlCmd, fetchCmd, extractCmd, reextractCmd, exportCmd, searchCmd, indexCmd, serveCmd, subscriptionsCmd, deliverCmd, failuresCmd,
		historyCmd, statsCmd, verifyCmd, backupCmd, copyCmd, mediaCmd, channelsCmd, sitesCmd,
		{"version", "print sppcrawl's version", "", nil, func(*cli) func(context.Context, sppcrawl.Archive) error {
			return func(context.Context, sppcrawl.Archive) error {
				_, err := fmt.Println("sppcrawl", version)
				return err
			}
		}}}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "sppcrawl %s — archive of www.spp.gov.cn announcements\n\nUsage: sppcrawl <command> [flags] [args]\n\nCommands:\n", version)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\n'sppcrawl help <command>' or 'sppcrawl <command> --help' shows a command's flags.\n")
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	switch {
	case len(args) == 0:
		usage(os.Stderr)
		return exitUsage
	case args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1):
		usage(os.Stdout)
		return exitOK
	case args[0] == "help":
		args = []string{args[1], "--help"}
	case args[0] == "--version":
		args[0] = "version"
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(os.Stderr, "sppcrawl: unknown command %q ('sppcrawl help' lists them)\n", args[0])
		return exitUsage
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer onSignals(cancel)()

	c := newCLI(cmd)
	work := cmd.setup(c)
	err := c.parse(args[1:])
	var db sppcrawl.Archive
	if err == nil {
		db, err = c.open()
	}
	if err == nil {
		err = work(ctx, db)
		err = c.keepIndex(ctx, c.openedArchive(), err) // the command may have opened another (verify --repair's salvage)
		c.flushSummaries()
	}
	if cerr := c.close(); err == nil {
		err = cerr
	}
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		err = crawler.ErrInterrupted // the signal's work: say so plainly
	}
	msg := err.Error()
	if errors.As(err, new(usageError)) {
		msg += fmt.Sprintf(" (sppcrawl %s --help lists the flags)", cmd.name)
	}
	fmt.Fprintf(os.Stderr, "sppcrawl %s: %s\n", cmd.name, terminalSafe(msg))
	return exitCode(err)
}

// exitCode is the documented exit status of a command's error.
func exitCode(err error) int {
	switch {
	case errors.As(err, new(usageError)):
		return exitUsage
	case errors.Is(err, crawler.ErrBlocked):
		return exitBlocked
	case errors.Is(err, store.ErrLocked):
		return exitLocked
	case errors.Is(err, crawler.ErrInterrupted):
		return exitSignal
	}
	return exitFailures
}

// onSignals makes the first SIGINT/SIGTERM cancel (commands finish in-flight
// work, commit and report) and a second one end the process at once, killed
// by that signal. Both arrive on one channel, so no second signal is ever
// swallowed between the two. The returned func stops listening.
func onSignals(cancel func()) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			dieOf(s)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
