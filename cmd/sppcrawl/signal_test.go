package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// Re-executed as the sppcrawl binary by the signal tests.
	if args := os.Getenv("SPPCRAWL_RUN_ARGS"); args != "" {
		os.Exit(run(strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

// startCrawl starts a crawl child against a slow copy of the fixture site and
// returns once the child has fetched details articles.
func startCrawl(t *testing.T, path string, details int64) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	files := http.FileServer(http.Dir("../../testdata/site"))
	var fetched atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
		files.ServeHTTP(w, r)
		if strings.Contains(r.URL.Path, "/t20") {
			fetched.Add(1)
		}
	}))
	t.Cleanup(slow.Close)
	args := []string{"crawl", "--db", path, "--origin", slow.URL, "--full", "--delay", "10ms", "--parallel", "2"}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SPPCRAWL_RUN_ARGS="+strings.Join(args, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for fetched.Load() < details {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the crawl fetched %d articles in 30s\n%s", fetched.Load(), &stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cmd, &stderr
}

// The first SIGINT finishes the pages in flight, stores them, prints the
// summary and exits 130.
func TestCLI_CrawlSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "a.db")
	cmd, stderr := startCrawl(t, path, 20)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitSignal {
		t.Fatalf("exit %d, want %d\n%s", code, exitSignal, stderr)
	}
	if !strings.Contains(stderr.String(), "crawl interrupted: 12 channels") {
		t.Errorf("no summary line:\n%s", stderr)
	}
	if n := countArticles(t, path); n == 0 || n == 276 {
		t.Errorf("%d articles stored: the interrupt should land mid-crawl", n)
	}
	// The next run completes the archive.
	if code := run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("rerun: exit %d", code)
	}
	if n := countArticles(t, path); n != 276 {
		t.Errorf("after the rerun %d articles, want 276", n)
	}
}

// A second signal ends the process at once.
func TestCLI_CrawlSecondSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "a.db")
	cmd, stderr := startCrawl(t, path, 5)
	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(20 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("second SIGINT: %v, want killed by SIGINT\n%s", cmd.ProcessState, stderr)
	}
	if n := countArticles(t, path); n == 0 {
		t.Log("nothing was stored before the abort")
	}
}
