package crawler_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sppcrawl/extract"
	"strings"
	"testing"
)

// sizedSite spreads n articles over the channels like the real site: most in
// a few big channels.
func sizedSite(n int) *site {
	sizes := map[string]int{}
	weights := map[string]int{"/spp/tt/": 30, "/spp/gjybs/": 30, "/spp/zgjdxal/": 15, "/spp/jczdal/": 5,
		"/spp/qwfb/": 6, "/spp/xwfbh/": 3, "/spp/wsfbt/": 3, "/spp/sfjs/": 2, "/spp/gfwj/": 2,
		"/spp/tzgg1/": 2, "/spp/gzbg/": 1, "/spp/gjgb/": 1}
	left := n
	for _, c := range extract.Channels {
		sizes[c.Path] = n * weights[c.Path] / 100
		left -= sizes[c.Path]
	}
	sizes["/spp/tt/"] += left
	return newSite(sizes, fixtureNewest)
}

// BenchmarkCrawl is the end-to-end speed (fetch + extract + store, delay 0,
// 8 in flight, loopback) over a 2,000-article site, in one process.
func BenchmarkCrawl(b *testing.B) {
	s := sizedSite(2000)
	srv := serve(b, s)
	for b.Loop() {
		db := openStore(b)
		cfg := testConfig(srv.URL)
		cfg.Full = true
		cfg.Parallel = 8
		sum := mustRun(b, cfg, db)
		if sum.Created+sum.Aliased < 2000 {
			b.Fatalf("summary %+v", sum)
		}
		b.ReportMetric(float64(sum.Created+sum.Aliased)/sum.Finished.Sub(sum.Started).Seconds(), "pages/s")
	}
}

// BenchmarkCrawlRSS crawls 2,000 and 10,000-article sites in child processes
// and reports each child's peak RSS, which must stay flat as the site grows.
func BenchmarkCrawlRSS(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := sizedSite(n)
			srv := serve(b, s)
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "SPPCRAWL_CRAWL_CHILD=1", "SPPCRAWL_DB="+filepath.Join(b.TempDir(), "a.db"),
					"SPPCRAWL_ORIGIN="+srv.URL, "SPPCRAWL_DELAY=0s", "SPPCRAWL_PARALLEL=8")
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Run(); err != nil {
					b.Fatalf("child: %v\n%s", err, out.String())
				}
				var created int
				var secs float64
				fmt.Sscanf(out.String(), "created=%d seconds=%f", &created, &secs)
				// The child's own VmHWM, not its rusage: ru_maxrss of a child
				// counts the memory of the parent it was forked from (here the
				// whole served site).
				// bbolt maps the archive: its pages count in RSS (RssFile) and
				// grow with the archive; the heap (RssAnon) is what must stay flat.
				for _, line := range strings.Split(out.String(), "\n") {
					var kb int
					if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
						b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
					}
					if _, err := fmt.Sscanf(line, "PeakAnon: %d kB", &kb); err == nil {
						b.ReportMetric(float64(kb)/1024, "peak-anon-RSS-MB")
					}
					if _, err := fmt.Sscanf(line, "RssFile: %d kB", &kb); err == nil {
						b.ReportMetric(float64(kb)/1024, "file-RSS-MB")
					}
				}
				b.ReportMetric(float64(created)/secs, "pages/s")
			}
		})
	}
}
