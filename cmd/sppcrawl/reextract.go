package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"sppcrawl/extract"
)

func runReextract(ctx context.Context, args []string) error {
	fs := newFlags("reextract", "[--db FILE]")
	var af archiveFlags
	af.register(fs, false)
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		return err
	}
	archive, err := af.open(false)
	if err != nil {
		return err
	}
	defer archive.Close()
	start := time.Now()
	res, err := archive.Reextract(ctx,
		func(raw *extract.RawPage) (*extract.Article, error) {
			return extract.ParseArticle(raw.Body, raw.URL, raw.ContentType)
		},
		func(id string, err error) { log.Warn("no longer extracts", "id", id, "err", err) },
		func(done, total int) { log.Info("progress", "done", done, "total", total) })
	line := fmt.Sprintf("reextract: %d raw pages, %d changed, %d unchanged, %d aliased, %d failed in %s",
		res.RawPages, res.Changed, res.Unchanged, res.Aliased, res.Failed, time.Since(start).Round(time.Millisecond))
	lf.summary(err == nil && res.Failed == 0, line, res)
	switch {
	case errors.Is(err, context.Canceled):
		return withCode(exitSignal, errors.New("interrupted"))
	case err != nil:
		return err
	case res.Failed > 0:
		return fmt.Errorf("%d raw pages failed to extract", res.Failed)
	}
	return nil
}
