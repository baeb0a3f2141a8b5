package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

// maxPageBytes caps what extract reads; real pages are ~30-100 KiB.
const maxPageBytes = 8 << 20

func runExtract(ctx context.Context, args []string) error {
	fs := newFlags("extract", "[--url URL] [--format json|text] FILE|-")
	pageURL := fs.String("url", "", "the page's URL (default: taken from the page itself)")
	format := fs.String("format", "json", "output format: json or text")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("want one FILE (or - for stdin), got %d arguments", fs.NArg())
	}
	if *format != "json" && *format != "text" {
		return usageErr("--format %q: want json or text", *format)
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	name := fs.Arg(0)
	in := io.Reader(os.Stdin)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, maxPageBytes+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxPageBytes {
		return fmt.Errorf("read %s: larger than %d MiB, not a page", name, maxPageBytes>>20)
	}
	a, err := extract.ParseArticle(b, *pageURL, "")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if *format == "text" {
		_, err = io.WriteString(os.Stdout, publish.ArticleText(a))
		return err
	}
	return publish.WriteJSON(os.Stdout, a)
}
