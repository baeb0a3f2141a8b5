package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"sppcrawl/extract"
)

func runExtract(ctx context.Context, args []string) error {
	fs := newFlags("extract", "[--url URL] [--format json|text] FILE|-")
	pageURL := fs.String("url", "", "the page's URL (default: taken from the page itself)")
	format := fs.String("format", "json", "output format: json or text")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return withCode(exitUsage, fmt.Errorf("want one FILE (or - for stdin), got %d arguments", fs.NArg()))
	}
	if *format != "json" && *format != "text" {
		return withCode(exitUsage, fmt.Errorf("--format %q: want json or text", *format))
	}
	name := fs.Arg(0)
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, maxPageBytes+1))
	} else {
		b, err = os.ReadFile(name)
	}
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
		_, err = io.WriteString(os.Stdout, renderText(a))
		return err
	}
	return writeJSON(os.Stdout, a, "  ")
}

// maxPageBytes caps what extract reads; real pages are ~100 KiB.
const maxPageBytes = 8 << 20

func writeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	return enc.Encode(v)
}

// renderText is the article as a person reposting it reads it.
func renderText(a *extract.Article) string {
	var b strings.Builder
	if a.Kicker != "" {
		b.WriteString(a.Kicker + "\n")
	}
	b.WriteString(a.Title + "\n")
	if a.Subtitle != "" {
		b.WriteString(a.Subtitle + "\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "发布时间：%s\n", a.PublishedAt.Format("2006-01-02 15:04"))
	if a.Source != "" {
		fmt.Fprintf(&b, "来源：%s\n", a.Source)
	}
	if a.Author != "" {
		fmt.Fprintf(&b, "作者：%s\n", a.Author)
	}
	b.WriteString("\n")
	for _, p := range a.Paragraphs {
		b.WriteString(p + "\n\n")
	}
	for _, at := range a.Attachments {
		fmt.Fprintf(&b, "附件：%s %s\n", at.Name, at.URL)
	}
	if a.Editor != "" {
		fmt.Fprintf(&b, "[责任编辑：%s]\n", a.Editor)
	}
	fmt.Fprintf(&b, "原文链接：%s\n", a.URL)
	return b.String()
}
