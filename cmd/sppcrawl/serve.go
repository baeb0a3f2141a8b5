package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"sppcrawl/crawler"
)

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--crawl-every 10m] [flags]")
	var af archiveFlags
	af.register(fs, false)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	every := fs.Duration("crawl-every", 0, "run the incremental crawl on this schedule in this process (0: never; the archive is then opened read-only)")
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
	if *every != 0 && *every < time.Minute {
		return withCode(exitUsage, fmt.Errorf("--crawl-every %s: at least 1m, be polite", *every))
	}
	archive, err := af.open(*every == 0)
	if err != nil {
		return err
	}
	defer archive.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	api := newAPIServer(archive, log)
	srv := &http.Server{
		Handler:           api.handler(),
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
	if *every > 0 {
		cfg, err := cf.config()
		if err != nil {
			srv.Close()
			return err
		}
		cfg.Logger = log.With("component", "crawl")
		c, err := crawler.New(cfg, archive)
		if err != nil {
			srv.Close()
			return withCode(exitUsage, err)
		}
		go func() {
			defer close(crawled)
			crawlLoop(ctx, c, *every, log)
		}()
	} else {
		close(crawled)
	}

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

// crawlLoop runs the incremental crawl now and then every interval, until
// ctx ends (a crawl in progress then stops gracefully).
func crawlLoop(ctx context.Context, c *crawler.Crawler, every time.Duration, log *slog.Logger) {
	for {
		sum, err := c.Run(ctx)
		line := summaryLine(sum)
		if err != nil && !errors.Is(err, crawler.ErrInterrupted) {
			log.Error(line, "err", err)
		} else {
			log.Info(line)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
