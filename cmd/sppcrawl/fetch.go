package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"sppcrawl/crawler"
	"sppcrawl/extract"
	"sppcrawl/publish"
	"sppcrawl/store"
)

func runFetch(ctx context.Context, args []string) error {
	fs := newFlags("fetch", "[--dry-run] [--diff] [flags] URL... (- reads URLs from stdin, one a line; flags may follow the URLs)")
	var af archiveFlags
	af.register(fs, false)
	dryRun := fs.Bool("dry-run", false, "fetch and extract, report what would change, store nothing")
	diff := fs.Bool("diff", false, "show a field-by-field diff against the stored version")
	asJSON := fs.Bool("json", false, "print the extracted article as JSON as well")
	var cf crawlFlags
	cf.register(fs, false)
	var lf logFlags
	lf.register(fs)
	args, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErr("want at least one URL (sppcrawl fetch --help)")
	}
	// Off-site URLs on the command line are refused before anything is
	// opened or requested; a bad line of a list fails alone.
	var urls []string
	for _, u := range args {
		if u == "-" {
			continue
		}
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
	cfg, err := cf.config(log)
	if err != nil {
		return err
	}
	var archive *store.DB
	switch _, statErr := os.Stat(af.path); {
	case *dryRun && os.IsNotExist(statErr):
		// nothing stored yet: everything would be created
	default:
		if archive, err = af.open(*dryRun); err != nil {
			return err
		}
		defer archive.Close()
	}
	c, err := crawler.New(cfg, nil)
	if err != nil {
		return withCode(exitUsage, err)
	}
	failed, total := 0, 0
	one := func(u string) error {
		total++
		err := fetchOne(ctx, c, archive, u, *dryRun, *diff, *asJSON)
		if err != nil && !errors.Is(err, crawler.ErrBlocked) {
			log.Error("fetch failed", "url", u, "err", err)
			failed++
			return nil
		}
		return err
	}
	for _, a := range args {
		if a == "-" {
			err = eachStdinURL(os.Stdin, log, &failed, one)
		} else {
			err = one(urls[0])
			urls = urls[1:]
		}
		if errors.Is(err, crawler.ErrBlocked) {
			return withCode(exitBlocked, err)
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return withCode(exitSignal, errors.New("interrupted"))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d URLs failed", failed, total)
	}
	return nil
}

// parseInterleaved parses flags wherever they stand among the arguments
// (fetch URL --db x.db), returning the others in order.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		i := 0
		for i < len(args) && (args[i] == "-" || !strings.HasPrefix(args[i], "-")) {
			i++
		}
		rest = append(rest, args[:i]...)
		if i == len(args) {
			return rest, nil
		}
		args = args[i:]
	}
}

// eachStdinURL calls fn for every URL listed in r: one a line, blank lines
// and text after # ignored; a line that is not a URL of the site fails alone.
func eachStdinURL(r io.Reader, log *slog.Logger, failed *int, fn func(string) error) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		u, err := extract.CanonicalURL(line)
		if err != nil {
			log.Error("not a URL of the site", "line", n, "err", err)
			*failed++
			continue
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read URLs from stdin: %w", err)
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
	outcome := "would be created" // nothing is stored yet
	switch {
	case dryRun && archive != nil:
		o, err := archive.Predict(ctx, a)
		if err != nil {
			return err
		}
		outcome = "would be " + o.String()
	case !dryRun:
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
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", a.ID, outcome, a.URL)
	if showDiff && before == nil {
		b.WriteString("  (nothing stored before)\n")
	} else if showDiff {
		for _, l := range publish.DiffArticles(before.Article, a) {
			b.WriteString("  " + l + "\n")
		}
	}
	if _, err := io.WriteString(os.Stdout, b.String()); err != nil || !asJSON {
		return err
	}
	return publish.WriteJSON(os.Stdout, a)
}
