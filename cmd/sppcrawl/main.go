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
	"slices"
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

// Main is the program: its standard streams (the process's in main,
// buffers in the tests) and the commands it dispatches to.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// streams are a command's standard input and outputs, all it writes to.
type streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Command is a subcommand: it parses its own command line and does its
// work, writing to the streams it was made with.
type Command interface {
	Run(ctx context.Context, args []string) error
}

// commandInfo is what the usage says of a command.
type commandInfo struct {
	name, summary, synopsis string
	formats                 []string // --format values, the first the default; nil: no --format
}

// command is an entry of the usage list: its info, and the command made
// with the program's streams.
type command struct {
	commandInfo
	new func(streams) Command
}

// commands, in the order the usage lists them.
var commands = []command{
	{crawlInfo, func(s streams) Command { return &CrawlCommand{streams: s} }},
	{fetchInfo, func(s streams) Command { return &FetchCommand{streams: s} }},
	{extractInfo, func(s streams) Command { return &ExtractCommand{streams: s} }},
	{reextractInfo, func(s streams) Command { return &ReextractCommand{streams: s} }},
	{exportInfo, func(s streams) Command { return &ExportCommand{streams: s} }},
	{searchInfo, func(s streams) Command { return &SearchCommand{streams: s} }},
	{indexInfo, func(s streams) Command { return &IndexCommand{streams: s} }},
	{serveInfo, func(s streams) Command { return &ServeCommand{streams: s} }},
	{subscriptionsInfo, func(s streams) Command { return &SubscriptionsCommand{streams: s} }},
	{deliverInfo, func(s streams) Command { return &DeliverCommand{streams: s} }},
	{failuresInfo, func(s streams) Command { return &FailuresCommand{streams: s} }},
	{historyInfo, func(s streams) Command { return &HistoryCommand{streams: s} }},
	{statsInfo, func(s streams) Command { return &StatsCommand{streams: s} }},
	{verifyInfo, func(s streams) Command { return &VerifyCommand{streams: s} }},
	{backupInfo, func(s streams) Command { return &BackupCommand{streams: s} }},
	{copyInfo, func(s streams) Command { return &CopyCommand{streams: s} }},
	{mediaInfo, func(s streams) Command { return &MediaCommand{streams: s} }},
	{channelsInfo, func(s streams) Command { return &ChannelsCommand{streams: s} }},
	{sitesInfo, func(s streams) Command { return &SitesCommand{streams: s} }},
	{versionInfo, func(s streams) Command { return &VersionCommand{streams: s} }},
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
	os.Exit(newMain().Run(os.Args[1:]))
}

// newMain is the program on the process's standard streams.
func newMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// Run runs the command line args (without the program's name) and returns
// the exit status; an error is printed once, on Stderr.
func (m *Main) Run(args []string) int {
	switch {
	case len(args) == 0:
		usage(m.Stderr)
		return exitUsage
	case args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1):
		usage(m.Stdout)
		return exitOK
	case args[0] == "help":
		args = []string{args[1], "--help"}
	case args[0] == "--version":
		args[0] = "version"
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(m.Stderr, "sppcrawl: unknown command %q ('sppcrawl help' lists them)\n", args[0])
		return exitUsage
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer onSignals(cancel)()
	cmd := commands[i]
	err := cmd.new(streams{Stdin: m.Stdin, Stdout: m.Stdout, Stderr: m.Stderr}).Run(ctx, args[1:])
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
	fmt.Fprintf(m.Stderr, "sppcrawl %s: %s\n", cmd.name, terminalSafe(msg))
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
