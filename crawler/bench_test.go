package crawler_test

import (
	"testing"

	"sppcrawl/sites"
)

// sizedSite is a site of n small articles spread as on the real site: most
// in a few big channels.
func sizedSite(n int) *site { return newSite(channelSizes(n), fixtureNewest) }

// channelSizes spreads n articles over the channels as the real site does.
func channelSizes(n int) map[string]int {
	sizes := map[string]int{}
	weights := map[string]int{"/spp/tt/": 30, "/spp/gjybs/": 30, "/spp/zgjdxal/": 15, "/spp/jczdal/": 5,
		"/spp/qwfb/": 6, "/spp/xwfbh/": 3, "/spp/wsfbt/": 3, "/spp/sfjs/": 2, "/spp/gfwj/": 2,
		"/spp/tzgg1/": 2, "/spp/gzbg/": 1, "/spp/gjgb/": 1}
	left := n
	for _, c := range sites.Default().Channels() {
		sizes[c.Path] = n * weights[c.Path] / 100
		left -= sizes[c.Path]
	}
	sizes["/spp/tt/"] += left
	return sizes
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
