package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/store"
)

func runFetch(ctx context.Context, args []string) error {
	fs := newFlags("fetch", "[--dry-run] [--diff] [flags] URL... (- reads URLs from stdin, one a line)")
	var af archiveFlags
	af.register(fs, false)
	dryRun := fs.Bool("dry-run", false, "fetch and extract, report what would change, store nothing")
	diff := fs.Bool("diff", false, "show a field-by-field diff against the stored version")
	asJSON := fs.Bool("json", false, "print the extracted article as JSON as well")
	var cf crawlFlags
	cf.register(fs, false)
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return withCode(exitUsage, errors.New("want at least one URL"))
	}
	args, err := expandStdin(fs.Args(), os.Stdin)
	if err != nil {
		return err
	}
	// Off-site URLs are refused before anything is opened or requested.
	var urls []string
	for _, u := range args {
		cu, err := extract.CanonicalURL(u)
		if err != nil {
			return withCode(exitUsage, err)
		}
		urls = append(urls, cu)
	}
	log, err := lf.logger(os.Stderr)
	if err != nil {
		return err
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	cfg.Logger = log

	var archive *store.DB
	switch _, statErr := os.Stat(af.path); {
	case *dryRun && os.IsNotExist(statErr):
		// nothing stored yet: everything would be created
	case *dryRun:
		archive, err = af.open(true)
	default:
		archive, err = af.open(false)
	}
	if err != nil {
		return err
	}
	if archive != nil {
		defer archive.Close()
	}
	c, err := crawler.New(cfg, nil)
	if err != nil {
		return withCode(exitUsage, err)
	}
	failed := 0
	for _, u := range urls {
		if err := fetchOne(ctx, c, archive, u, *dryRun, *diff, *asJSON); err != nil {
			if errors.Is(err, crawler.ErrBlocked) {
				return withCode(exitBlocked, err)
			}
			fmt.Fprintf(os.Stderr, "sppcrawl fetch: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d URLs failed", failed, len(urls))
	}
	return nil
}

func fetchOne(ctx context.Context, c *crawler.Crawler, archive *store.DB, u string, dryRun, showDiff, asJSON bool) error {
	a, raw, err := c.FetchArticle(ctx, u)
	if err != nil {
		return err
	}
	var before *store.Stored // what --diff compares with; read before the upsert
	if archive != nil && showDiff {
		before, err = archive.GetByURL(ctx, a.URL)
		if errors.Is(err, store.ErrNotFound) {
			before, err = archive.Get(ctx, a.ID)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	var outcome string
	if dryRun {
		o := extract.Created // nothing is stored yet
		if archive != nil {
			if o, err = archive.Predict(ctx, a); err != nil {
				return err
			}
		}
		outcome = "would be " + o.String()
	} else {
		res, err := archive.Upsert(ctx, a, raw)
		if err != nil {
			return err
		}
		// A page fetched by hand is no longer a failure for the crawl to retry.
		if err := archive.ClearFailure(ctx, a.URL); err != nil {
			return err
		}
		outcome = fmt.Sprintf("%s (v%d, seq %d)", res.Outcome, res.Version, res.Seq)
	}
	fmt.Printf("%s %s %s\n", a.ID, outcome, a.URL)
	if showDiff {
		if before == nil {
			fmt.Println("  (nothing stored before)")
		} else {
			for _, l := range diffArticles(before.Article, a) {
				fmt.Println("  " + l)
			}
		}
	}
	if asJSON {
		return writeJSON(os.Stdout, a, "  ")
	}
	return nil
}

// expandStdin replaces a "-" argument by the lines of r (blank lines and
// #-comments skipped), for lists of URLs kept in a file.
func expandStdin(args []string, r io.Reader) ([]string, error) {
	var out []string
	for _, a := range args {
		if a != "-" {
			out = append(out, a)
			continue
		}
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read URLs from stdin: %w", err)
		}
	}
	return out, nil
}
