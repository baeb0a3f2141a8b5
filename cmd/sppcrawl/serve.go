package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/publish"
	"sppcrawl/push"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/web"
)

// minCrawlEvery is the shortest --crawl-every: a crawl with nothing new
// costs the site one request per channel; every minute is already plenty.
const minCrawlEvery = time.Minute

var serveCmd = command{"serve", "serve the archive over HTTP (web pages, API, feeds, metrics), optionally crawling",
	"[--addr 127.0.0.1:8080] [--crawl-every 10m] [flags]", nil,
	func(c *cli) func(context.Context, *store.DB) error {
		addr := c.fs.String("addr", "127.0.0.1:8080", "listen address")
		every := c.fs.Duration("crawl-every", 0, "run the incremental crawl on this schedule in this process, at least 1m (0: never; the archive is then opened read-only)")
		public := c.fs.String("public-url", "", "where this server is reached from outside (https://example.org/spp): the media links of repost?media=local and the feeds' self links start with it; set it behind a proxy (else the request's Host names them)")
		cfg := c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
		var pf pushFlags
		pf.register(c.fs)
		hubHTTP := c.fs.Bool("hub-allow-http", false, "the WebSub hub accepts http:// callbacks")
		hubPrivate := c.fs.Bool("hub-allow-private", false, "the WebSub hub accepts callbacks on loopback, private or link-local addresses")
		// A damaged archive is served all the same: every answer says what
		// is wrong (/healthz 503) rather than the process refusing to start.
		c.archive(false, func() archiveMode {
			if *every == 0 {
				return salvagesRead
			}
			return salvages
		})
		c.check(func() error {
			if *every != 0 && *every < minCrawlEvery {
				return usageErr("--crawl-every %s: at least %s, be polite", *every, minCrawlEvery)
			}
			if _, err := publish.ParsePublicURL(*public); err != nil {
				return usageErr("--public-url: %v", err)
			}
			return nil
		})
		return func(ctx context.Context, archive *store.DB) error {
			metrics := publish.NewMetrics(archive)
			cfg.Observer, cfg.Logger = metrics, c.log.With("component", "crawl")
			cr, err := newCrawler(cfg, archive)
			if err != nil {
				return err
			}
			ix := c.serveIndex(archive)
			if ix != nil {
				defer ix.Close()
			}
			pages := web.New(archive, web.Options{Index: ix, Logger: c.log, Version: version, PublicURL: *public})
			// The archive holds the subscriptions: only a serve that writes
			// it (--crawl-every) delivers and runs the WebSub hub.
			writable := !archive.ReadOnly() && archive.OpenDamage() == nil
			var srv *publish.Server
			pusher := c.pusher(archive, &pf, func(ctx context.Context, topic string) (string, []byte, error) { return srv.Feed(ctx, topic) })
			hubCtx, stopHub := context.WithCancel(ctx)
			defer stopHub()
			var hub *push.Hub
			opts := publish.Options{Logger: c.log, Metrics: metrics, CrawlEvery: *every, PublicURL: *public, Index: ix, Pages: pages.Handler()}
			if writable {
				hub = pusher.Hub(hubCtx, push.HubOptions{Topic: func(t string) ([]string, string, error) { return srv.Topic(t) },
					AllowHTTP: *hubHTTP, AllowPrivate: *hubPrivate})
				opts.WebSub = hub
			}
			srv = publish.NewServer(archive, opts)
			return serve(ctx, *addr, srv.Handler(), c.log, func(ctx context.Context) {
				var g errgroup.Group
				if ix != nil && !ix.ReadOnly() && archive.OpenDamage() == nil {
					// The index follows every commit of the crawl below (or,
					// read-only, catches up once with what is there).
					changes, stop := archive.Commits()
					defer stop()
					g.Go(func() error { ix.Follow(ctx, archive, changes); return nil })
				}
				if writable {
					// Deliveries follow every commit too, at once.
					changes, stop := archive.Commits()
					defer stop()
					g.Go(func() error { pusher.Run(ctx, changes); return nil })
					defer hub.Wait()
				}
				if *every > 0 {
					cr.RunEvery(ctx, *every, func(sum sppcrawl.RunSummary, err error) { logRun(cfg.Logger, sum, err) })
				}
				g.Wait()
			})
		}
	}}

// serve runs the HTTP server on addr and background (serve's crawl)
// together, as one group: when either ends, or ctx does, the other is
// stopped and waited for, so neither outlives the other (nor the archive,
// closed after). The server shuts down gracefully: requests in flight and
// the crawl in progress finish. A stop by a signal is ErrInterrupted.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, background func(context.Context)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		log.Info("serving", "addr", ln.Addr().String())
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve on %s: %w", addr, err)
		}
		return nil
	})
	g.Go(func() error {
		background(gctx)
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		log.Info("shutting down: finishing requests and the crawl in progress")
		shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	})
	err = g.Wait()
	if err == nil && ctx.Err() != nil {
		return crawler.ErrInterrupted
	}
	return err
}

// serveIndex opens the search index for serve: for writing, so that it
// follows the archive; read-only where it cannot be written; none (search
// answers 503) where there is none to read.
func (c *cli) serveIndex(archive *store.DB) *search.Index {
	ix, err := openIndexAnyway(c, archive)
	switch {
	case err != nil:
		c.log.Warn("no search index: /api/search answers 503", "err", err)
	case ix.ReadOnly():
		c.log.Warn("search index opened read-only: it cannot follow the archive", "path", ix.Path())
	}
	return ix
}

// logRun logs the summary of one of serve's crawls.
func logRun(log *slog.Logger, sum sppcrawl.RunSummary, err error) {
	if err != nil && !errors.Is(err, crawler.ErrInterrupted) {
		log.Error(sum.String(), "err", err)
		return
	}
	log.Info(sum.String())
}
