package crawler_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/store"
)

// crawlChild is the child process of TestCrawl_SIGKILL: a full crawl of the
// origin in SPPCRAWL_ORIGIN into SPPCRAWL_DB, slowed so it can be killed mid-run.
func crawlChild() {
	db, err := store.Open(os.Getenv("SPPCRAWL_DB"), store.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	delay, err := time.ParseDuration(os.Getenv("SPPCRAWL_DELAY"))
	if err != nil {
		delay = 20 * time.Millisecond
	}
	parallel, err := strconv.Atoi(os.Getenv("SPPCRAWL_PARALLEL"))
	if err != nil {
		parallel = 4
	}
	cfg := crawler.Config{Origin: os.Getenv("SPPCRAWL_ORIGIN"), Full: true, Delay: delay,
		Parallel: parallel, RetryBase: time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
	c, err := crawler.New(cfg, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Sample the heap's share of RSS while crawling: the kernel keeps only the
	// peak of the total, which includes bbolt's file mapping.
	peakAnon := 0
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if st, err := os.ReadFile("/proc/self/status"); err == nil {
				for _, line := range strings.Split(string(st), "\n") {
					var kb int
					if _, err := fmt.Sscanf(line, "RssAnon: %d kB", &kb); err == nil && kb > peakAnon {
						peakAnon = kb
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	sum, err := c.Run(context.Background())
	close(stop)
	<-sampled
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("created=%d seconds=%.3f\n", sum.Created, sum.Finished.Sub(sum.Started).Seconds())
	fmt.Printf("PeakAnon: %d kB\n", peakAnon)
	if st, err := os.ReadFile("/proc/self/status"); err == nil {
		os.Stdout.Write(st)
	}
	db.Close()
	os.Exit(0)
}

// TestCrawl_SIGKILL kills a crawling child process at a random moment, then
// a rerun completes the archive without duplicates.
func TestCrawl_SIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s := loadSite(t)
	srv := serve(t, s)
	path := filepath.Join(t.TempDir(), "a.db")
	for i := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SPPCRAWL_CRAWL_CHILD=1", "SPPCRAWL_DB="+path, "SPPCRAWL_ORIGIN="+srv.URL)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rand.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("kill %d: child state %v", i, cmd.ProcessState)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open after SIGKILL: %v", err)
	}
	defer db.Close()
	n, _ := db.Count(context.Background())
	if n == len(siteArticles(s)) {
		t.Fatalf("every kill came after the crawl had finished (%d stored): the test proves nothing", n)
	}
	cfg := testConfig(srv.URL)
	cfg.Full = true
	mustRun(t, cfg, db)
	checkArchive(t, db, s)
	seqs := map[uint64]bool{}
	db.ForEach(context.Background(), 0, func(a *extract.Article) error {
		if seqs[a.Seq] {
			t.Errorf("seq %d twice", a.Seq)
		}
		seqs[a.Seq] = true
		return nil
	})
}
