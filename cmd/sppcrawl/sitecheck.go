package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"sppcrawl"
	"sppcrawl/crawler"
)

// checkSite runs sites check: the site's home, channels, one list page and
// one article, field by field; it fails when no article was read.
func checkSite(ctx context.Context, c *cli, cfg crawler.Config) error {
	cr, err := newCrawler(&cfg, nil)
	if err != nil {
		return err
	}
	sc, err := cr.Check(ctx)
	if err != nil {
		return err
	}
	if err := c.print(sc, func(w io.Writer) error { return writeCheck(w, cfg.Site, sc) }); err != nil {
		return err
	}
	if !sc.OK() {
		return fmt.Errorf("sites check %s: no article read (%d problems)", cfg.Site.Host(), len(sc.Problems))
	}
	return nil
}

func writeCheck(w io.Writer, s sppcrawl.Site, sc *crawler.SiteCheck) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "site     %s (key %s)\nhome     %s: %d channels\n", s.Host(), s.Key(), sc.Home, len(sc.Channels))
	for _, ch := range sc.Channels {
		fmt.Fprintf(bw, "  %-24s %s\n", ch.Path, ch.Name)
	}
	if l := sc.List; l != nil {
		fmt.Fprintf(bw, "list     %s: %s, page %d of %d, %d items\n", l.URL, l.Channel, l.Page, l.PageCount, len(l.Items))
		if len(l.PageURLs) > 1 {
			fmt.Fprintf(bw, "  page 2 %s\n", l.PageURLs[1])
		}
	}
	if a := sc.Article; a != nil {
		writeArticleFields(bw, a)
	}
	for _, p := range sc.Problems {
		fmt.Fprintf(bw, "problem  %s\n", p)
	}
	return bw.Flush()
}

func writeArticleFields(w io.Writer, a *sppcrawl.Article) {
	fmt.Fprintf(w, "article  %s\n", a.URL)
	for _, f := range [][2]string{{"id", a.ID}, {"title", a.Title}, {"published_at", a.PublishedAt.Format("2006-01-02T15:04:05Z07:00")},
		{"source", a.Source}, {"author", a.Author}, {"editor", a.Editor}, {"channel", a.Channel}, {"channel_path", a.ChannelPath}} {
		fmt.Fprintf(w, "  %-13s %s\n", f[0], f[1])
	}
	fmt.Fprintf(w, "  %-13s %d, %d images, %d attachments\n", "paragraphs", len(a.Paragraphs), len(a.Images), len(a.Attachments))
	for _, p := range a.Paragraphs {
		if r := []rune(p); len(r) > 60 {
			p = string(r[:60]) + "…"
		}
		fmt.Fprintf(w, "    %s\n", strings.TrimSpace(p))
	}
}
