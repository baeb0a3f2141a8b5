package crawler_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sppcrawl/internal/child"
	"sppcrawl/search"
	"sppcrawl/store"
)

// BenchmarkCrawlCost sets a full crawl as a user runs it — the sppcrawl
// binary, `crawl --full --delay 0 --parallel 2 --media none`: fetching,
// extraction, storage and search indexing — beside a bare colly walk of the
// same synthetic site (every list and detail page fetched and parsed for
// links, nothing else) in the same run, each in a process of its own, on
// SPPCRAWL_BENCH_COST_SIZE articles (default 2,000) of real-sized pages.
// Each round runs the walk, then the crawl into a new archive, and checks
// that the crawl stored and indexed every article. Metrics: each one's
// wall, CPU and peak RSS, and the crawl's CPU and peak RSS as multiples of
// the walk's (the bar: ≤ 1.1× and ≤ 1.5×); the archive's and the
// search index's bytes per article (what the crawl's CPU is not traded
// for).
//
// With Scrapy installed (python3 -c 'import scrapy', or Debian's
// python3-scrapy), a typical Scrapy
// spider of the same site (testdata/bench/spider.py) runs in the same
// round; otherwise (or with SPPCRAWL_BENCH_SCRAPY=off) it is skipped.
// SPPCRAWL_BIN names a binary to use
// instead of building one.
//
// Run: go test ./crawler -run '^$' -bench CrawlCost -benchtime 1x -count 2
func BenchmarkCrawlCost(b *testing.B) {
	n := 2000
	if env := os.Getenv("SPPCRAWL_BENCH_COST_SIZE"); env != "" {
		var err error
		if n, err = strconv.Atoi(env); err != nil {
			b.Fatalf("SPPCRAWL_BENCH_COST_SIZE: %v", err)
		}
	}
	bin := sppcrawlBinary(b)
	srv := serve(b, realSizedSite(n))
	python := scrapyPython()
	for b.Loop() {
		walk := runChild(b, "colly", "", srv.URL, "parallel:2")
		if walk.pages < n {
			b.Fatalf("bare colly fetched %d pages for %d articles\n%s", walk.pages, n, walk.out)
		}
		db := filepath.Join(b.TempDir(), "cost.db")
		crawl := runMeasured(b, bin, "crawl", "--full", "--origin", srv.URL, "--db", db,
			"--delay", "0", "--parallel", "2", "--media", "none")
		checkCrawled(b, db, n, crawl.out)
		reportSizes(b, db, n)
		report(b, "walk", walk)
		report(b, "crawl", crawl)
		b.ReportMetric(float64(crawl.cpu)/float64(walk.cpu), "cpu-x-walk")
		b.ReportMetric(float64(crawl.hwm)/float64(walk.hwm), "rss-x-walk")
		if python != "" {
			sp := runScrapy(b, python, srv.URL, n)
			report(b, "scrapy", sp)
			b.ReportMetric(float64(sp.cpu)/float64(crawl.cpu), "scrapy-cpu-x-crawl")
			b.ReportMetric(float64(sp.hwm)/float64(crawl.hwm), "scrapy-rss-x-crawl")
			b.ReportMetric(float64(sp.wall)/float64(crawl.wall), "scrapy-wall-x-crawl")
		}
	}
}

// reportSizes reports the files of the archive at db, holding n articles,
// in KB per article: the archive (raw pages included) and its search index.
func reportSizes(b *testing.B, db string, n int) {
	for _, f := range []struct{ path, unit string }{{db, "archive-KB/article"}, {search.PathFor(db), "index-KB/article"}} {
		st, err := os.Stat(f.path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Size())/1024/float64(n), f.unit)
	}
}

// report reports one process's wall, CPU and peak RSS under its name.
func report(b *testing.B, name string, r childResult) {
	b.ReportMetric(r.wall.Seconds(), name+"-wall-s")
	b.ReportMetric(r.cpu.Seconds(), name+"-cpu-s")
	b.ReportMetric(float64(r.hwm)/1024, name+"-RSS-MB")
}

// sppcrawlBinary builds the command into the benchmark's temporary folder,
// or is SPPCRAWL_BIN.
func sppcrawlBinary(b *testing.B) string {
	if bin := os.Getenv("SPPCRAWL_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "sppcrawl")
	out, err := exec.Command("go", "build", "-o", bin, "sppcrawl/cmd/sppcrawl").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// checkCrawled fails unless the archive at db holds n articles and its
// search index every one of them, current.
func checkCrawled(b *testing.B, db string, n int, out string) {
	arch, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	defer arch.Close()
	stored, err := arch.Count(context.Background())
	if err != nil || stored < n {
		b.Fatalf("the crawl stored %d of %d articles (%v)\n%s", stored, n, err, out)
	}
	ix, err := search.Open(search.PathFor(db), search.Options{ReadOnly: true})
	if err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	defer ix.Close()
	st, err := ix.Status(context.Background(), arch)
	if err != nil || st.Behind != 0 || st.Versions < stored {
		b.Fatalf("the index holds %d versions of %d articles, %d behind (%v)\n%s", st.Versions, stored, st.Behind, err, out)
	}
}

// runMeasured runs argv through a small child of the test binary (execChild)
// that reports the program's CPU and peak RSS: the getrusage of a process
// counts the memory of the one it was cloned from, and a child cloned
// from this benchmark would count the whole served site.
func runMeasured(b *testing.B, argv ...string) childResult {
	b.Helper()
	cmd := child.Command("exec", "SPPCRAWL_ARGV="+strings.Join(argv, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", argv[0], err, out.String())
	}
	r := childResult{wall: time.Since(start), out: out.String()}
	var cpuUS, self int
	for _, line := range strings.Split(r.out, "\n") {
		fmt.Sscanf(line, "exec-cpu-us=%d exec-maxrss=%d self-hwm=%d", &cpuUS, &r.hwm, &self)
	}
	r.cpu = time.Duration(cpuUS) * time.Microsecond
	if r.hwm == 0 || self >= r.hwm {
		// The figure would be the measuring child's own.
		b.Fatalf("%s: peak RSS %d kB not above the measuring child's %d kB\n%s", argv[0], r.hwm, self, r.out)
	}
	return r
}

// execChild is the child side of runMeasured: it runs SPPCRAWL_ARGV
// (fields split at U+001F), its output passed through, and prints the
// program's CPU and peak RSS and its own peak RSS.
func execChild() int {
	argv := strings.Split(os.Getenv("SPPCRAWL_ARGV"), "\x1f")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", argv[0], err)
		return 1
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "no rusage")
		return 1
	}
	self := 0
	if st, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(st), "\n") {
			fmt.Sscanf(line, "VmHWM: %d kB", &self)
		}
	}
	fmt.Printf("exec-cpu-us=%d exec-maxrss=%d self-hwm=%d\n",
		(ru.Utime.Nano()+ru.Stime.Nano())/1000, ru.Maxrss, self)
	return 0
}

// scrapyPython is a Python that imports scrapy (the one on PATH, else
// Debian's, where python3-scrapy installs), or "" (none, or
// SPPCRAWL_BENCH_SCRAPY=off).
func scrapyPython() string {
	if os.Getenv("SPPCRAWL_BENCH_SCRAPY") == "off" {
		return ""
	}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import scrapy").Run() == nil {
			return py
		}
	}
	return ""
}

// runScrapy runs the Scrapy spider over the site at origin with python
// and checks that it yielded every article.
func runScrapy(b *testing.B, python, origin string, n int) childResult {
	spider, err := filepath.Abs("../testdata/bench/spider.py")
	if err != nil {
		b.Fatal(err)
	}
	items := filepath.Join(b.TempDir(), "items.jsonl")
	channels := strings.Join(sortedChannels(), ",")
	r := runMeasured(b, python, "-m", "scrapy", "runspider", spider, "-a", "origin="+origin,
		"-a", "channels="+channels, "-o", items+":jsonlines", "-L", "WARNING")
	data, err := os.ReadFile(items)
	if err != nil {
		b.Fatal(err)
	}
	if got := bytes.Count(data, []byte("\n")); got < n {
		b.Fatalf("the Scrapy spider yielded %d of %d articles\n%s", got, n, r.out)
	}
	return r
}
