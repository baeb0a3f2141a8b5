package publish

import (
	"fmt"
	"strings"
	"time"

	"sppcrawl/extract"
)

// DiffArticles lists, field by field, how b differs from a (the stored one).
func DiffArticles(a, b *extract.Article) []string {
	var out []string
	str := func(name, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %q → %q", name, x, y))
		}
	}
	tm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	str("title", a.Title, b.Title)
	str("kicker", a.Kicker, b.Kicker)
	str("subtitle", a.Subtitle, b.Subtitle)
	str("published_at", tm(a.PublishedAt), tm(b.PublishedAt))
	str("modified_at", tm(a.ModifiedAt), tm(b.ModifiedAt))
	str("source", a.Source, b.Source)
	str("author", a.Author, b.Author)
	str("editor", a.Editor, b.Editor)
	str("channel", a.Channel, b.Channel)
	str("channel_path", a.ChannelPath, b.ChannelPath)
	out = append(out, diffLines("paragraphs", a.Paragraphs, b.Paragraphs)...)
	out = append(out, diffLines("images", urlsOf(a.Images), urlsOf(b.Images))...)
	out = append(out, diffLines("attachments", attOf(a.Attachments), attOf(b.Attachments))...)
	if a.BodyHTML != b.BodyHTML {
		out = append(out, fmt.Sprintf("body_html: changed (%d → %d bytes)", len(a.BodyHTML), len(b.BodyHTML)))
	}
	if len(out) == 0 {
		out = append(out, "no differences")
	}
	return out
}

func urlsOf(imgs []extract.Image) []string {
	var s []string
	for _, i := range imgs {
		s = append(s, i.URL)
	}
	return s
}

func attOf(as []extract.Attachment) []string {
	var s []string
	for _, a := range as {
		s = append(s, a.Name+" "+a.URL)
	}
	return s
}

// diffLines is a line diff (longest common subsequence) of two lists.
func diffLines(name string, a, b []string) []string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, fmt.Sprintf("%s[%d]: + %s", name, j, clip(b[j])))
			j++
		default:
			out = append(out, fmt.Sprintf("%s[%d]: - %s", name, i, clip(a[i])))
			i++
		}
	}
	return out
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return strings.TrimSpace(s)
}
