package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"sppcrawl"
	"sppcrawl/sites"
)

// ExtractCommand is `sppcrawl extract`: extract an article from a saved HTML file (offline).
type ExtractCommand struct {
	streams
	c       *cli
	pageURL string // --url
}

var extractInfo = commandInfo{"extract", "extract an article from a saved HTML file (offline)", "[--url URL] [--format json|text] FILE|-",
	[]string{"json", "text"}}

// Run parses args as the command line of extract and does its work.
func (cmd *ExtractCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(extractInfo, cmd.streams)
	cmd.c = c
	c.fs.StringVar(&cmd.pageURL, "url", "", "the page's URL, which names its site (default: taken from the page itself, www.spp.gov.cn's)")
	c.check(cmd.check)
	return c.run(ctx, args, cmd.extract)
}

func (cmd *ExtractCommand) check() error {
	if len(cmd.c.args) != 1 {
		return usageErr("want one FILE (or - for stdin), got %d arguments", len(cmd.c.args))
	}
	return nil
}

// extract reads the saved page and prints the article it holds.
func (cmd *ExtractCommand) extract(context.Context, sppcrawl.Archive) error {
	c := cmd.c
	b, err := readPage(c.args[0], c.Stdin)
	if err != nil {
		return err
	}
	parse := sites.Default().ParseArticle // spp's, which can take the URL from the page
	if cmd.pageURL != "" {
		parse = siteOf(cmd.pageURL).ParseArticle // the adapter of the URL's site
	}
	a, err := parse(b, cmd.pageURL, "")
	if err != nil {
		return fmt.Errorf("%s: %w", c.args[0], err)
	}
	return c.print(a, func(w io.Writer) error {
		_, err := io.WriteString(w, articleText(a))
		return err
	})
}

// articleText is the article as a person reposting it reads it: title
// block, 发布时间, 来源, 作者, paragraphs, attachments, 责任编辑, 原文链接.
func articleText(a *sppcrawl.Article) string {
	var b strings.Builder
	if a.Kicker != "" {
		b.WriteString(a.Kicker + "\n")
	}
	b.WriteString(a.Title + "\n")
	if a.Subtitle != "" {
		b.WriteString(a.Subtitle + "\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "发布时间：%s\n", a.PublishedAt.In(sppcrawl.CST()).Format("2006-01-02 15:04"))
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
