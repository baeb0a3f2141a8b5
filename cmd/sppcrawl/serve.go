package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
)

// minCrawlEvery is the shortest --crawl-every: a crawl with nothing new
// costs the site one request per channel; every minute is already plenty.
const minCrawlEvery = time.Minute

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--crawl-every 10m] [flags]")
	var af archiveFlags
	af.register(fs, false)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	every := fs.Duration("crawl-every", 0, "run the incremental crawl on this schedule in this process, at least 1m (0: never; the archive is then opened read-only)")
	var cf crawlFlags
	cf.register(fs, true)
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		return err
	}
	if *every != 0 && *every < minCrawlEvery {
		return usageErr("--crawl-every %s: at least %s, be polite", *every, minCrawlEvery)
	}
	cfg, err := cf.config(log.With("component", "crawl"))
	if err != nil {
		return err
	}
	archive, err := af.open(*every == 0)
	if err != nil {
		return err
	}
	defer archive.Close()
	metrics := publish.NewMetrics(archive)
	cfg.Observer = metrics
	var c *crawler.Crawler
	if *every > 0 {
		if c, err = crawler.New(cfg, archive); err != nil {
			return withCode(exitUsage, err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           publish.NewServer(archive, publish.Options{Logger: log, Metrics: metrics, CrawlEvery: *every}).Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "db", af.path, "crawl_every", every.String())
	crawled := make(chan struct{})
	go func() {
		defer close(crawled)
		if c != nil {
			c.RunEvery(ctx, *every, func(sum extract.RunSummary, err error) {
				if err != nil && !errors.Is(err, crawler.ErrInterrupted) {
					log.Error(sum.String(), "err", err)
				} else {
					log.Info(sum.String())
				}
			})
		}
	}()
	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", *addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests and the crawl in progress")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	<-crawled
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
