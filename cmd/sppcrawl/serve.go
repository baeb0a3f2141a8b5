package main

import (
	"context"
	"time"

	"sppcrawl/publish"
	"sppcrawl/store"
)

// minCrawlEvery is the shortest --crawl-every: a crawl with nothing new
// costs the site one request per channel; every minute is already plenty.
const minCrawlEvery = time.Minute

var serveCmd = command{"serve", "serve the archive over HTTP (API, feeds, metrics), optionally crawling",
	"[--addr 127.0.0.1:8080] [--crawl-every 10m] [flags]", writes, nil,
	func(c *cli) func(context.Context, *store.DB) error {
		addr := c.fs.String("addr", "127.0.0.1:8080", "listen address")
		every := c.fs.Duration("crawl-every", 0, "run the incremental crawl on this schedule in this process, at least 1m (0: never; the archive is then opened read-only)")
		public := c.fs.String("public-url", "", "where this server is reached from outside (https://example.org/spp), for absolute media links in repost?media=local")
		c.crawlFlags(true)
		c.check(func() error {
			if *every != 0 && *every < minCrawlEvery {
				return usageErr("--crawl-every %s: at least %s, be polite", *every, minCrawlEvery)
			}
			if *every == 0 {
				c.archive = reads
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			metrics := publish.NewMetrics(archive)
			c.crawl.Observer, c.crawl.Logger = metrics, c.log.With("component", "crawl")
			cr, err := c.crawler(archive)
			if err != nil {
				return err
			}
			h := publish.NewServer(archive, publish.Options{Logger: c.log, Metrics: metrics, CrawlEvery: *every, PublicURL: *public}).Handler()
			return publish.ListenAndServe(ctx, *addr, h, c.log, func(ctx context.Context) {
				if *every != 0 {
					cr.RunEvery(ctx, *every)
				}
			})
		}
	}}
