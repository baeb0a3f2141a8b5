package main

import (
	"context"
	"fmt"
	"os"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

func runVerify(ctx context.Context, args []string) error {
	fs := newFlags("verify", "[--db FILE] [--format text|json]")
	var af archiveFlags
	af.register(fs, false)
	format := fs.String("format", "text", "output format: text or json")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	archive, err := af.open(false)
	if err != nil {
		return err
	}
	defer archive.Close()
	rep, err := archive.Verify(ctx, func(p *extract.RawPage) error {
		return extract.CheckComplete(p.Body, p.ContentType, p.URL)
	})
	if err != nil {
		return err
	}
	if *format == "json" {
		err = publish.WriteJSON(os.Stdout, rep)
	} else {
		for _, p := range rep.Problems {
			if _, err = fmt.Printf("%s\t%s\t%s\n", p.Kind, p.Key, p.Detail); err != nil {
				break
			}
		}
	}
	line := fmt.Sprintf("verify: %d articles, %d earlier versions, %d raw pages: %d problems, %d stored pages cut short (due for a fetch by the next crawl)",
		rep.Articles, rep.Versions, rep.RawPages, len(rep.Problems), len(rep.Cut))
	lf.summary(len(rep.Problems) == 0, line, rep)
	if err == nil && len(rep.Problems) > 0 {
		err = fmt.Errorf("%d problems found", len(rep.Problems))
	}
	return err
}
