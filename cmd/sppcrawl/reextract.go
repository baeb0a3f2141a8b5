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
	ids, err := archive.RawIDs(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	counts := map[extract.Outcome]int{}
	failed := 0
	for i, id := range ids {
		if ctx.Err() != nil {
			break
		}
		select {
		case <-tick.C:
			log.Info("progress", "done", i, "total", len(ids), "updated", counts[extract.Updated])
		default:
		}
		raw, err := archive.Raw(ctx, id)
		if err != nil {
			log.Error("raw page unreadable", "id", id, "err", err)
			failed++
			continue
		}
		a, err := extract.ParseArticle(raw.Body, raw.URL, raw.ContentType)
		if err != nil {
			log.Warn("no longer extracts", "id", id, "url", raw.URL, "err", err)
			failed++
			continue
		}
		a.FetchedAt = raw.FetchedAt
		res, err := archive.Upsert(ctx, a, nil)
		if err != nil {
			return err
		}
		counts[res.Outcome]++
	}
	line := fmt.Sprintf("reextract: %d raw pages, %d changed, %d unchanged, %d aliased, %d failed in %s",
		len(ids), counts[extract.Updated], counts[extract.Unchanged], counts[extract.Aliased], failed, time.Since(start).Round(time.Millisecond))
	lf.summary(failed == 0 && ctx.Err() == nil, line, map[string]int{"raw_pages": len(ids), "changed": counts[extract.Updated],
		"unchanged": counts[extract.Unchanged], "aliased": counts[extract.Aliased], "failed": failed})
	if ctx.Err() != nil {
		return withCode(exitSignal, errors.New("interrupted"))
	}
	if failed > 0 {
		return fmt.Errorf("%d raw pages failed to extract", failed)
	}
	return nil
}
