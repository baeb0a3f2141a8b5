// Command sppcrawl crawls, archives and republishes the announcements of the
// Supreme People's Procuratorate (www.spp.gov.cn).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"sppcrawl/crawler"
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

// exitError carries an exit status to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

var commands = []command{
	{"crawl", "fetch what is new on www.spp.gov.cn into the archive (the cron job)", runCrawl},
	{"fetch", "fetch, extract and store one or more article URLs now", runFetch},
	{"extract", "extract an article from a saved HTML file (offline)", runExtract},
	{"reextract", "rebuild every article from its stored raw page (offline)", runReextract},
	{"export", "write articles as JSON Lines, JSON, CSV, Atom, RSS or JSON Feed", runExport},
	{"serve", "serve the archive over HTTP (API, feeds, metrics), optionally crawling", runServe},
	{"failures", "list the failure log (--gone: pages gone); --reset makes URLs due again", runFailures},
	{"history", "list the versions of an article, with the differences between them", runHistory},
	{"stats", "show the archive's health: articles per channel, last crawl, failures", runStats},
	{"verify", "check every record of the archive; pages stored cut short are fetched again", runVerify},
	{"channels", "list the channels sppcrawl knows", runChannels},
	{"version", "print sppcrawl's version", func(context.Context, []string) error {
		_, err := fmt.Println("sppcrawl", version)
		return err
	}},
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "sppcrawl %s — archive of www.spp.gov.cn announcements\n\nUsage: sppcrawl <command> [flags] [args]\n\nCommands:\n", version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
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
	crawler.Version = version

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer onSignals(cancel)()

	err := cmd.run(ctx, args[1:])
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(os.Stderr, "sppcrawl %s: %v\n", cmd.name, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
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
			syscall.Kill(syscall.Getpid(), s.(syscall.Signal))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
