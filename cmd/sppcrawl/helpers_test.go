package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureArticles is how many articles a crawl of the whole fixture site
// stores.
const fixtureArticles = 285

// siteServer serves testdata/site as a static mirror.
func siteServer(tb testing.TB) *httptest.Server {
	dir, err := filepath.Abs("../../testdata/site") // tests may change directory
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	tb.Cleanup(srv.Close)
	return srv
}

// output is what a command line run in-process wrote, and its exit status.
type output struct {
	code           int
	stdout, stderr string
}

// runIO runs the command line args in-process, as main does but on
// buffers (stdin: nothing unless given).
func runIO(args []string, stdin io.Reader) output {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var stdout, stderr bytes.Buffer
	code := (&Main{Stdin: stdin, Stdout: &stdout, Stderr: &stderr}).Run(args)
	return output{code, stdout.String(), stderr.String()}
}

// run runs args in-process and returns the exit status alone.
func run(args []string) int { return runIO(args, nil).code }

// stdoutOf runs args in-process and returns what it wrote on stdout,
// its exit status in *code (unless nil).
func stdoutOf(code *int, args []string) string {
	o := runIO(args, nil)
	if code != nil {
		*code = o.code
	}
	return o.stdout
}

// stderrOf is stdoutOf for what the command wrote on stderr.
func stderrOf(code *int, args []string) string {
	o := runIO(args, nil)
	if code != nil {
		*code = o.code
	}
	return o.stderr
}
