package publish

import (
	"fmt"
	"io"
	"strings"

	"sppcrawl/extract"
)

// ArticleText is the article as a person reposting it reads it: title
// block, 发布时间, 来源, 作者, paragraphs, attachments, 责任编辑, 原文链接.
func ArticleText(a *extract.Article) string {
	var b strings.Builder
	if a.Kicker != "" {
		b.WriteString(a.Kicker + "\n")
	}
	b.WriteString(a.Title + "\n")
	if a.Subtitle != "" {
		b.WriteString(a.Subtitle + "\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "发布时间：%s\n", a.PublishedAt.In(extract.CST()).Format("2006-01-02 15:04"))
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

// WriteJSON writes v as indented JSON without HTML escaping (body_html and
// titles stay readable).
func WriteJSON(w io.Writer, v any) error {
	enc := newJSONEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteFetched reports what sppcrawl fetch did with one URL: a line
// "<id> <outcome> (v<version>, seq <seq>) <url>" ("would be …" on a dry
// run), with diff the fields that differ from the stored version, with
// asJSON the extracted article.
func WriteFetched(w io.Writer, f *extract.Fetched, diff, asJSON bool) error {
	var b strings.Builder
	a := f.Article
	if f.DryRun {
		fmt.Fprintf(&b, "%s would be %s %s\n", a.ID, f.Outcome, a.URL)
	} else {
		fmt.Fprintf(&b, "%s %s (v%d, seq %d) %s\n", a.ID, f.Outcome, f.Result.Version, f.Result.Seq, a.URL)
	}
	if f.Media+f.MediaMissing > 0 {
		fmt.Fprintf(&b, "  media: %d archived, %d missing\n", f.Media, f.MediaMissing)
	}
	switch {
	case diff && f.Before == nil:
		b.WriteString("  (nothing stored before)\n")
	case diff:
		for _, l := range DiffArticles(f.Before, a) {
			b.WriteString("  " + l + "\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil || !asJSON {
		return err
	}
	return WriteJSON(w, a)
}
