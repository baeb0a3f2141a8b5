package crawler_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/child"
	"sppcrawl/publish"
	"sppcrawl/store"

	"github.com/gocolly/colly/v2"
	"golang.org/x/sys/unix"
)

// BenchmarkScale measures what the archive costs as the site grows, on a
// synthetic copy of the site with real-sized pages (newRealSite), served
// from memory. Per size (SPPCRAWL_BENCH_SIZES, default 2000,10000,50000):
//
//	full    a --full crawl into a new archive, in a child process:
//	        pages/s, CPU per article, peak RSS, archive bytes per article,
//	        and the CPU of bare colly fetching the same pages (cpu-x-colly)
//	noop    the cron run with nothing new: wall time and peak RSS
//	cold-noop  the same with the archive dropped from the page cache first
//	        (posix_fadvise): wall time and what it read from storage
//	open    a warm read-write open of the archive
//	export  export --format jsonl of the whole archive in a child: wall,
//	        peak RSS; every article exactly once
//
// Peak RSS is the child's VmHWM, which counts the archive's pages bbolt has
// mapped and touched; peak-anon-MB is the heap's share, sampled.
//
//	api     /api/articles?limit=100 at random cursors, 8 clients, asking
//	        for gzip and reading the compressed bytes: req/s, p50, p99
//	api-identity  the same without gzip
//	metrics, healthz, stats  GET /metrics, GET /healthz, the stats command's
//	        figures: ms per call
//
// Run: go test ./crawler -run '^$' -bench Scale -benchtime 1x -timeout 1h
// (add SPPCRAWL_BENCH_DIR=dir to keep the archives between runs: the full
// crawl of 50,000 articles takes minutes; SPPCRAWL_BENCH_TEXT=real for
// paragraphs in the site's own words, see realParagraphs).
func BenchmarkScale(b *testing.B) {
	for _, n := range benchSizes(b, 2000, 10000, 50000) {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchScale(b, n) })
	}
}

// benchSizes are the site sizes SPPCRAWL_BENCH_SIZES names (a list of
// numbers), else def.
func benchSizes(b *testing.B, def ...int) []int {
	env := os.Getenv("SPPCRAWL_BENCH_SIZES")
	if env == "" {
		return def
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			b.Fatalf("SPPCRAWL_BENCH_SIZES: %v", err)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func benchScale(b *testing.B, n int) {
	site := realSizedSite(n)
	srv := serve(b, site)
	dir := os.Getenv("SPPCRAWL_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	dbPath := filepath.Join(dir, fmt.Sprintf("scale-%d.db", n))
	// The site's address changes from run to run; the archive keeps the
	// canonical (www.spp.gov.cn) URLs, so a kept archive stays valid.

	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			fresh := dbPath + ".new"
			os.Remove(fresh)
			r := runChild(b, "crawl", fresh, srv.URL, "full")
			if r.created < n {
				b.Fatalf("full crawl stored %d of %d articles\n%s", r.created, n, r.out)
			}
			st, err := os.Stat(fresh)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(fresh, dbPath); err != nil {
				b.Fatal(err)
			}
			c := runChild(b, "colly", "", srv.URL, "")
			if c.pages < n {
				b.Fatalf("bare colly fetched %d pages for %d articles\n%s", c.pages, n, c.out)
			}
			b.ReportMetric(float64(r.created)/r.wall.Seconds(), "articles/s")
			b.ReportMetric(float64(r.cpu.Microseconds())/1000/float64(r.created), "cpu-ms/article")
			b.ReportMetric(float64(r.cpu)/float64(c.cpu)*float64(c.pages)/float64(r.pages), "cpu-x-colly")
			b.ReportMetric(float64(r.hwm)/1024, "peak-RSS-MB")
			b.ReportMetric(float64(r.anon)/1024, "peak-anon-MB")
			b.ReportMetric(float64(st.Size())/float64(r.created)/1024, "KB/article")
		}
	})
	if _, err := os.Stat(dbPath); err != nil {
		b.Skipf("no archive of %d articles (run the full sub-benchmark first): %v", n, err)
	}

	b.Run("noop", func(b *testing.B) {
		for b.Loop() {
			r := runChild(b, "crawl", dbPath, srv.URL, "noop")
			if r.created != 0 {
				b.Fatalf("a run with nothing new stored %d\n%s", r.created, r.out)
			}
			b.ReportMetric(r.wall.Seconds(), "wall-s")
			b.ReportMetric(float64(r.cpu.Microseconds())/1000, "cpu-ms")
			b.ReportMetric(float64(r.hwm)/1024, "peak-RSS-MB")
			b.ReportMetric(float64(r.anon)/1024, "peak-anon-MB")
		}
	})

	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			db, err := store.Open(dbPath, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})

	// What an open costs when it must check the file's page structure (verify;
	// any open after another program wrote the file), warm and cold.
	for _, cold := range []bool{false, true} {
		b.Run(map[bool]string{false: "check", true: "cold-check"}[cold], func(b *testing.B) {
			for b.Loop() {
				if cold {
					coldUntimed(b, dbPath)
				}
				db, err := store.Open(dbPath, store.Options{ReadOnly: true, CheckPages: true})
				if err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}

	// Cold: the archive's pages dropped from the page cache first, as after
	// a reboot or on a small VPS whose cache the archive does not fit.
	b.Run("cold-noop", func(b *testing.B) {
		for b.Loop() {
			coldUntimed(b, dbPath)
			r := runChild(b, "crawl", dbPath, srv.URL, "noop")
			b.ReportMetric(r.wall.Seconds(), "wall-s")
			b.ReportMetric(float64(r.readKB)/1024, "read-MB")
		}
	})

	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			r := runChild(b, "export", dbPath, "", "")
			if r.created != n || r.pages != n {
				b.Fatalf("export wrote %d lines, %d distinct, of %d articles\n%s", r.created, r.pages, n, r.out)
			}
			b.ReportMetric(r.wall.Seconds(), "wall-s")
			b.ReportMetric(float64(r.hwm)/1024, "peak-RSS-MB")
			b.ReportMetric(float64(r.anon)/1024, "peak-anon-MB")
		}
	})

	db, err := store.Open(dbPath, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	api := httptest.NewServer(publish.NewServer(db, publish.Options{}).Handler())
	defer api.Close()
	for _, gzip := range []bool{true, false} {
		name := "api"
		if !gzip {
			name = "api-identity"
		}
		b.Run(name, func(b *testing.B) { loadAPI(b, api.URL, n, gzip) })
	}
	// Each answer against the copy limit: a bare net/http handler writing
	// one stored answer of the same endpoint to every request, under the
	// same load, in the same run.
	ids := sampleIDs(b, db, 200)
	for _, c := range []struct {
		name string
		path func() string
	}{
		{"api-vs-copy", func() string { return fmt.Sprintf("/api/articles?since=%d&limit=100", rand.IntN(max(n-100, 1))) }},
		{"article-vs-copy", func() string { return "/api/articles/" + ids[rand.IntN(len(ids))] }},
		{"feed-vs-copy", func() string { return "/feed.atom" }},
		{"cases-vs-copy", func() string { return "/api/cases?limit=100" }},
	} {
		b.Run(c.name, func(b *testing.B) { compareWithCopy(b, api.URL, c.path) })
	}
	b.Run("metrics", func(b *testing.B) { timeEach(b, func() error { return get(api.URL + "/metrics") }) })
	b.Run("healthz", func(b *testing.B) { timeEach(b, func() error { return get(api.URL + "/healthz") }) })
	b.Run("stats", func(b *testing.B) {
		timeEach(b, func() error {
			_, err := publish.GatherStats(context.Background(), db, time.Now())
			return err
		})
	})
	benchSearch(b, dbPath, n)
}

// realSizedSite spreads n real-sized articles over the channels as
// sizedSite does.
func realSizedSite(n int) *site {
	return newRealSite(channelSizes(n), fixtureNewest)
}

// loadAPI pulls 2,000 pages of 100 at random cursors with 8 clients, reading
// the bytes as sent (gzip stays compressed: a client that stores or forwards
// them does not inflate them either).
func loadAPI(b *testing.B, base string, n int, gzip bool) {
	for b.Loop() {
		r := load(b, base, func() string { return fmt.Sprintf("/api/articles?since=%d&limit=100", rand.IntN(max(n-100, 1))) }, gzip, 2000)
		b.ReportMetric(r.rate, "req/s")
		b.ReportMetric(r.p50, "p50-ms")
		b.ReportMetric(r.p99, "p99-ms")
		b.ReportMetric(r.kb, "KB/answer")
	}
}

// loadResult is what a load run measured.
type loadResult struct{ rate, p50, p99, kb float64 }

// compareWithCopy loads an endpoint of the API and, in the same run, a bare
// handler that writes one stored gzip answer of it (its bytes and headers
// as the API sent them) to every request: alternately, twice each, the
// best of each kept. ratio is the API's rate over the copy's.
func compareWithCopy(b *testing.B, base string, path func() string) {
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(gzipGet(base + path()))
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	header := resp.Header.Clone()
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Write(body)
	}))
	defer bare.Close()
	const requests = 2000
	for b.Loop() {
		var api, cp loadResult
		for range 2 {
			if r := load(b, base, path, true, requests); r.rate > api.rate {
				api = r
			}
			if r := load(b, bare.URL, path, true, requests); r.rate > cp.rate {
				cp = r
			}
		}
		b.ReportMetric(api.rate, "api-req/s")
		b.ReportMetric(cp.rate, "copy-req/s")
		b.ReportMetric(api.rate/cp.rate, "ratio")
		b.ReportMetric(api.p99, "api-p99-ms")
		b.ReportMetric(float64(len(body))/1024, "KB/answer")
	}
}

func gzipGet(url string) *http.Request {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	return req
}

// sampleIDs is up to n ids of stored articles.
func sampleIDs(b *testing.B, db *store.DB, n int) []string {
	var ids []string
	db.ForEach(context.Background(), 0, func(a *sppcrawl.Article) error {
		if len(ids) < n {
			ids = append(ids, a.ID)
		}
		return nil
	})
	if len(ids) == 0 {
		b.Fatal("no articles")
	}
	return ids
}

// load sends requests with 8 clients, each to base+path(), reading the
// bytes as sent.
func load(b *testing.B, base string, path func() string, gzip bool, requests int) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	const clients = 8
	{
		var mu sync.Mutex
		var lat []time.Duration
		var bytesIn int64
		var wg sync.WaitGroup
		start := time.Now()
		for range clients {
			wg.Go(func() {
				var mine []time.Duration
				var got int64
				for range requests / clients {
					req, _ := http.NewRequest("GET", base+path(), nil)
					if gzip {
						req.Header.Set("Accept-Encoding", "gzip")
					}
					t := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					k, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mine = append(mine, time.Since(t))
					got += k
					if resp.StatusCode != 200 || gzip != (resp.Header.Get("Content-Encoding") == "gzip") {
						b.Errorf("status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
						return
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				bytesIn += got
				mu.Unlock()
			})
		}
		wg.Wait()
		wall := time.Since(start)
		if len(lat) != requests {
			b.Fatalf("%d of %d requests answered", len(lat), requests)
		}
		slices.Sort(lat)
		return loadResult{rate: float64(len(lat)) / wall.Seconds(), p50: float64(lat[len(lat)/2].Microseconds()) / 1000,
			p99: float64(lat[len(lat)*99/100].Microseconds()) / 1000, kb: float64(bytesIn) / float64(len(lat)) / 1024}
	}
}

// timeEach reports the mean time of 20 calls of f, in ms.
func timeEach(b *testing.B, f func() error) {
	for b.Loop() {
		start := time.Now()
		for range 20 {
			if err := f(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/20, "ms/call")
	}
}

func get(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

type childResult struct {
	created, pages int
	wall, cpu      time.Duration
	hwm            int // kB
	readKB         int // read from storage (/proc/self/io read_bytes, kB)
	anon           int // kB, sampled: the kernel keeps the peak of the total only
	out            string
}

// runChild runs the test binary as a child (scaleChild) and reads back what
// it did and its own peak RSS (VmHWM: a child's rusage maxrss would count
// the parent it was cloned from, here the whole served site).
func runChild(b *testing.B, what, db, origin, mode string) childResult {
	b.Helper()
	cmd := child.Command("scale-"+what, "SPPCRAWL_DB="+db, "SPPCRAWL_ORIGIN="+origin, "SPPCRAWL_MODE="+mode,
		"SPPCRAWL_DELAY=0s", "SPPCRAWL_PARALLEL=8")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s child: %v\n%s", what, err, out.String())
	}
	r := childResult{wall: time.Since(start), out: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for _, line := range strings.Split(r.out, "\n") {
		fmt.Sscanf(line, "created=%d pages=%d", &r.created, &r.pages)
		fmt.Sscanf(line, "VmHWM: %d kB", &r.hwm)
		fmt.Sscanf(line, "PeakAnon: %d kB", &r.anon)
		var rb int
		if _, err := fmt.Sscanf(line, "read_bytes: %d", &rb); err == nil {
			r.readKB = rb / 1024
		}
	}
	return r
}

// scaleChild is the child side of runChild: it does one thing, prints
// created= pages= and its /proc status, and exits.
func scaleChild(what string) int {
	db, origin := os.Getenv("SPPCRAWL_DB"), os.Getenv("SPPCRAWL_ORIGIN")
	var created, pages int
	var err error
	stop := sampleAnon()
	switch what {
	case "crawl":
		var sum sppcrawl.RunSummary
		sum, err = childRun(context.Background())
		created, pages = sum.Created+sum.Aliased, sum.Requests
	case "colly":
		pages, err = bareColly(origin, collyParallel(os.Getenv("SPPCRAWL_MODE")))
	case "export":
		created, pages, err = childExport(db)
	case "index":
		created, pages, err = childIndex(db)
	default:
		err = fmt.Errorf("unknown child %q", what)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("created=%d pages=%d\n", created, pages)
	fmt.Printf("PeakAnon: %d kB\n", stop())
	for _, f := range []string{"/proc/self/status", "/proc/self/io"} {
		if st, err := os.ReadFile(f); err == nil {
			os.Stdout.Write(st)
		}
	}
	return 0
}

// sampleAnon samples the process's anonymous memory (heap, stacks) every
// 10 ms until the returned func is called, which returns the peak in kB.
// Peak RSS alone would count bbolt's mapping of the archive: file pages,
// which the kernel drops at will, and which grow with what is read.
func sampleAnon() func() int {
	peak := 0
	read := func() {
		st, err := os.ReadFile("/proc/self/status")
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(st), "\n") {
			var kb int
			if _, err := fmt.Sscanf(line, "RssAnon: %d kB", &kb); err == nil && kb > peak {
				peak = kb
			}
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int {
		close(stop)
		<-done
		read()
		return peak
	}
}

// childExport exports the archive as JSON Lines to a file and reads it back:
// lines written and distinct IDs.
func childExport(path string) (lines, distinct int, err error) {
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	f, err := os.CreateTemp("", "export-*.jsonl")
	if err != nil {
		return 0, 0, err
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriterSize(f, 1<<16)
	if _, err := publish.Export(context.Background(), db, w, publish.ExportOptions{Format: "jsonl"}); err != nil {
		return 0, 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, 0, err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return 0, 0, err
	}
	ids := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	idRe := regexp.MustCompile(`^\{"id":"([^"]+)"`)
	for sc.Scan() {
		lines++
		m := idRe.FindSubmatch(sc.Bytes())
		if m == nil {
			return 0, 0, fmt.Errorf("line %d does not start with its id: %.80s", lines, sc.Bytes())
		}
		ids[string(m[1])] = true
	}
	return lines, len(ids), sc.Err()
}

// collyParallel is the bare walk's requests in flight: mode "parallel:N",
// else 8 (BenchmarkScale's crawls).
func collyParallel(mode string) int {
	if n, err := strconv.Atoi(strings.TrimPrefix(mode, "parallel:")); err == nil && n > 0 {
		return n
	}
	return 8
}

// bareColly fetches what a full crawl fetches (every list page of every
// channel, every article linked from them) with colly alone, parallel
// requests in flight: the baseline of crawl CPU.
func bareColly(origin string, parallel int) (int, error) {
	c := colly.NewCollector(colly.Async(true))
	c.WithTransport(&http.Transport{MaxIdleConnsPerHost: 16})
	c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallel})
	c.SetRequestTimeout(30 * time.Second)
	var mu sync.Mutex
	pages := 0
	c.OnResponse(func(*colly.Response) { mu.Lock(); pages++; mu.Unlock() })
	c.OnHTML(".commonList_con li a[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
	count := regexp.MustCompile(`createPageHTML\('page_div',(\d+),`)
	c.OnHTML("script", func(e *colly.HTMLElement) {
		m := count.FindStringSubmatch(e.Text)
		if m == nil || strings.Contains(e.Request.URL.Path, "index_") {
			return
		}
		n, _ := strconv.Atoi(m[1])
		for p := 2; p <= n; p++ {
			e.Request.Visit(fmt.Sprintf("index_%d.shtml", p))
		}
	})
	for _, p := range sortedChannels() {
		if err := c.Visit(origin + p + "index.shtml"); err != nil {
			return 0, err
		}
	}
	c.Wait()
	return pages, nil
}

func sortedChannels() []string {
	var out []string
	for p := range channelSizes(1) {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// dropCache evicts the file's pages from the page cache (clean pages: the
// archive is closed), so that the next open reads from storage.
func dropCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// coldUntimed drops the file at path from the page cache, off the clock.
func coldUntimed(b *testing.B, path string) {
	b.StopTimer()
	defer b.StartTimer()
	if err := dropCache(path); err != nil {
		b.Skipf("cannot drop the page cache: %v", err)
	}
}
