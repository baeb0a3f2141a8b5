package main

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sppcrawl/internal/child"
)

func TestMain(m *testing.M) {
	// Re-executed as the sppcrawl binary by the signal tests.
	child.Main(m, map[string]func() int{
		"sppcrawl": func() int { return newMain().Run(strings.Split(os.Getenv("SPPCRAWL_ARGS"), "\x1f")) },
	})
}

// sppcrawlChild is the command line args run in a child process.
func sppcrawlChild(args ...string) *exec.Cmd {
	cmd := child.Command("sppcrawl", "SPPCRAWL_ARGS="+strings.Join(args, "\x1f"))
	cmd.Stderr = nil
	return cmd
}

// startCrawl starts a crawl child against a slow copy of the fixture site and
// returns once the child has fetched details articles. stderr collects the
// child's log; lines carries each line as it comes; wait waits for the child
// to end, its log read to the end.
func startCrawl(t *testing.T, path string, details int64) (cmd *exec.Cmd, stderr *bytes.Buffer, lines <-chan string, wait func()) {
	t.Helper()
	files := http.FileServer(http.Dir("../../testdata/site"))
	var fetched atomic.Int64
	reached := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond) // a slow site, so the crawl is mid-way when signalled
		files.ServeHTTP(w, r)
		if strings.Contains(r.URL.Path, "/t20") && fetched.Add(1) == details {
			close(reached)
		}
	}))
	t.Cleanup(slow.Close)
	args := []string{"crawl", "--db", path, "--origin", slow.URL, "--full", "--delay", "10ms", "--parallel", "2"}
	cmd = sppcrawlChild(args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stderr = &bytes.Buffer{}
	ch := make(chan string, 1024)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			select {
			case ch <- sc.Text():
			default:
			}
		}
		close(ch)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); <-copied; cmd.Wait() })
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatalf("the crawl did not fetch %d articles in 60s", details)
	}
	return cmd, stderr, ch, func() { <-copied; cmd.Wait() }
}

// waitLine waits for a line of the child's log that contains s.
func waitLine(t *testing.T, lines <-chan string, s string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the child ended without logging %q", s)
			}
			if strings.Contains(l, s) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q from the child in 30s", s)
		}
	}
}

// The first SIGINT finishes the pages in flight, stores them, prints the
// summary and exits 130.
func TestCLI_CrawlSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "a.db")
	cmd, stderr, _, wait := startCrawl(t, path, 20)
	cmd.Process.Signal(syscall.SIGINT)
	wait()
	if code := cmd.ProcessState.ExitCode(); code != exitSignal {
		t.Fatalf("exit %d, want %d\n%s", code, exitSignal, stderr)
	}
	if !regexp.MustCompile(`crawl interrupted: \d+ channels`).MatchString(stderr.String()) {
		t.Errorf("no summary line:\n%s", stderr)
	}
	if n := countArticles(t, path); n == 0 || n == fixtureArticles {
		t.Errorf("%d articles stored: the interrupt should land mid-crawl", n)
	}
	// The next run completes the archive.
	if code := run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("rerun: exit %d", code)
	}
	if n := countArticles(t, path); n != fixtureArticles {
		t.Errorf("after the rerun %d articles, want %d", n, fixtureArticles)
	}
}

// A second signal ends the process at once.
func TestCLI_CrawlSecondSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "a.db")
	cmd, stderr, lines, wait := startCrawl(t, path, 5)
	cmd.Process.Signal(syscall.SIGINT)
	waitLine(t, lines, "stopping")
	cmd.Process.Signal(syscall.SIGINT)
	wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("second SIGINT: %v, want killed by SIGINT\n%s", cmd.ProcessState, stderr)
	}
	if n := countArticles(t, path); n == 0 {
		t.Log("nothing was stored before the abort")
	}
}

// serve stops on SIGINT with the exit status of an interrupted command.
func TestCLI_ServeSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := crawledArchive(t)
	cmd := sppcrawlChild("serve", "--db", path, "--addr", "127.0.0.1:0")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(pipe)
	serving := false
	for !serving && sc.Scan() {
		serving = strings.Contains(sc.Text(), "msg=serving")
	}
	if !serving {
		t.Fatal("serve did not start")
	}
	cmd.Process.Signal(syscall.SIGINT)
	go func() {
		for sc.Scan() {
		}
	}()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitSignal {
		t.Errorf("serve after SIGINT: exit %d, want %d", code, exitSignal)
	}
}
