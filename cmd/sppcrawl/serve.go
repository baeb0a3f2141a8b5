package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

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

// shutdownWait bounds a graceful stop: requests in flight, then the
// crawl's pages in flight and the hub's verifications.
const shutdownWait = 15 * time.Second

// serveFlags are serve's own flags.
type serveFlags struct {
	addr, public        string
	every               time.Duration
	hubHTTP, hubPrivate bool
	push                pushFlags
	cfg                 *crawler.Config
}

// ServeCommand is `sppcrawl serve`: serve the archive over HTTP (web pages, API, feeds, metrics), optionally crawling.
type ServeCommand struct {
	streams
	c *cli
	f serveFlags
}

var serveInfo = commandInfo{"serve", "serve the archive over HTTP (web pages, API, feeds, metrics), optionally crawling",
	"[--addr 127.0.0.1:8080] [--crawl-every 10m] [--index FILE] [flags]", nil}

// Run parses args as the command line of serve and does its work.
func (cmd *ServeCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(serveInfo, cmd.streams)
	cmd.c = c
	f := &cmd.f
	f.cfg = c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
	c.fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address")
	c.fs.DurationVar(&f.every, "crawl-every", 0, "run the incremental crawl on this schedule in this process, at least 1m (0: never; the archive is then opened read-only)")
	c.fs.StringVar(&f.public, "public-url", "", "where this server is reached from outside (https://example.org/spp): the media links of repost?media=local, the feeds' self links and the WebSub hub's topics start with it; set it behind a proxy (else the request's Host names them)")
	f.push.register(c.fs)
	c.indexFlag()
	c.fs.BoolVar(&f.hubHTTP, "hub-allow-http", false, "the WebSub hub accepts http:// callbacks")
	c.fs.BoolVar(&f.hubPrivate, "hub-allow-private", false, "the WebSub hub accepts callbacks on loopback, private or link-local addresses")
	c.archive(false, f.mode)
	c.check(f.check)
	return c.run(ctx, args, cmd.serve)
}

func (cmd *ServeCommand) serve(ctx context.Context, archive sppcrawl.Archive) error {
	return cmd.c.serve(ctx, archive, &cmd.f)
}

// mode: a damaged archive is served all the same, every answer saying
// what is wrong (/healthz 503) rather than the process refusing to start;
// it is written only by a crawl of its own.
func (f *serveFlags) mode() sppcrawl.OpenMode {
	if f.every == 0 {
		return sppcrawl.OpenSalvagesRead
	}
	return sppcrawl.OpenSalvages
}

func (f *serveFlags) check() error {
	if f.every != 0 && f.every < minCrawlEvery {
		return usageErr("--crawl-every %s: at least %s, be polite", f.every, minCrawlEvery)
	}
	if _, err := publish.ParsePublicURL(f.public); err != nil {
		return usageErr("--public-url: %v", err)
	}
	return nil
}

// serve runs serve's parts until ctx ends (a signal) or the HTTP server
// fails, then closes them in order. A stop by a signal is ErrInterrupted.
func (c *cli) serve(ctx context.Context, archive sppcrawl.Archive, f *serveFlags) error {
	if _, file := archive.(pathed); file && !store.KeepsStamps {
		c.log.Info("this system keeps no stamp of a checked archive: every open checks its pages")
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	m, err := c.newServeMain(archive, f)
	if err != nil {
		ln.Close()
		return err
	}
	failed := m.start(archive, ln, f.every)
	select {
	case <-ctx.Done():
	case err = <-failed:
	}
	c.log.Info("shutting down: finishing requests, the crawl in progress and the hub's verifications")
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownWait)
	defer cancel()
	err = errors.Join(err, m.Close(closeCtx))
	if err == nil && ctx.Err() != nil {
		return crawler.ErrInterrupted
	}
	return err
}

// serveMain is serve's long-lived parts. Close stops them in order, each
// before what it feeds on: the HTTP server (requests to the hub), the
// crawl (commits), the hub (its verifications write subscriptions), the
// pusher, the index's follower, the index; the archive is closed after,
// by the command's runner (litestream's and wtf's Main.Close).
type serveMain struct {
	log     *slog.Logger
	srv     *http.Server
	handler http.Handler
	cr      *crawler.Crawler
	crawl   *task
	hub     *push.Hub
	pusher  *push.Pusher
	deliver *task
	ix      *search.Index
	follow  *task
}

// newServeMain builds serve's parts over the archive, none started. Only a
// serve that writes the archive (--crawl-every) delivers and runs the
// WebSub hub: the archive holds the subscriptions.
func (c *cli) newServeMain(archive sppcrawl.Archive, f *serveFlags) (*serveMain, error) {
	metrics := publish.NewMetrics(archive)
	f.cfg.Observer, f.cfg.Logger = metrics, c.log.With("component", "crawl")
	cr, err := newCrawler(f.cfg, archive)
	if err != nil {
		return nil, err
	}
	m := &serveMain{log: c.log, cr: cr, ix: c.serveIndex(archive)}
	pages := web.New(archive, web.Options{Index: m.ix, Logger: c.log, Version: version, PublicURL: f.public})
	opts := publish.Options{Logger: c.log, Metrics: metrics, CrawlEvery: f.every, PublicURL: f.public, Index: m.ix, Pages: pages.Handler()}
	var srv *publish.Server
	if c.writable(archive) {
		m.pusher = c.pusher(archive, &f.push, func(ctx context.Context, topic string) (string, []byte, error) { return srv.Feed(ctx, topic) })
		m.hub = m.pusher.Hub(push.HubOptions{Topic: func(t, host string) (sppcrawl.Subscription, error) { return srv.Topic(t, host) },
			AllowHTTP: f.hubHTTP, AllowPrivate: f.hubPrivate})
		opts.WebSub = m.hub
	}
	srv = publish.NewServer(archive, opts)
	m.handler = srv.Handler()
	return m, nil
}

// start starts the HTTP server on ln and the background parts; the
// channel gets the server's error if it fails.
func (m *serveMain) start(archive sppcrawl.Archive, ln net.Listener, every time.Duration) <-chan error {
	m.srv = &http.Server{
		Handler:           m.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	failed := make(chan error, 1)
	go func() {
		m.log.Info("serving", "addr", ln.Addr().String())
		if err := m.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			failed <- fmt.Errorf("serve on %s: %w", ln.Addr(), err)
		}
	}()
	if m.ix != nil && !m.ix.ReadOnly() && openDamage(archive) == nil {
		// The index follows every commit of the crawl (or, read-only,
		// catches up once with what is there).
		changes, stop := archive.Commits()
		m.follow = startTask("the search index's follower", func(ctx context.Context) { m.ix.Follow(ctx, archive, changes) }, stop)
	}
	if m.pusher != nil {
		// Deliveries follow every commit too, at once.
		changes, stop := archive.Commits()
		m.deliver = startTask("the deliveries", func(ctx context.Context) { m.pusher.Run(ctx, changes) }, stop)
	}
	if every > 0 {
		m.crawl = startTask("the scheduled crawl", func(ctx context.Context) {
			m.cr.RunEvery(ctx, every, func(sum sppcrawl.RunSummary, err error) { logRun(m.log, sum, err) })
		}, nil)
	}
	return failed
}

// Close stops serve's parts in order (see serveMain), each given what is
// left of ctx; what cannot finish in time is cancelled, and still waited
// for: nothing runs on the archive after.
func (m *serveMain) Close(ctx context.Context) error {
	var errs []error
	if m.srv != nil {
		if err := m.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down the HTTP server: %w", err), m.srv.Close())
		}
	}
	errs = append(errs, m.crawl.Close(ctx))
	if m.hub != nil {
		errs = append(errs, m.hub.Close(ctx))
	}
	errs = append(errs, m.deliver.Close(ctx), m.follow.Close(ctx))
	if m.ix != nil {
		errs = append(errs, m.ix.Close())
	}
	return errors.Join(errs...)
}

// serveIndex opens the search index for serve: for writing, so that it
// follows the archive; read-only where it cannot be written; none (search
// answers 503) where there is none to read.
func (c *cli) serveIndex(archive sppcrawl.Archive) *search.Index {
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
