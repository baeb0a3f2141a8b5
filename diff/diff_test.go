package diff_test

import (
	"fmt"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/diff"
)

func TestParagraphs(t *testing.T) {
	a := []string{"甲", "乙", "丙", "丁"}
	b := []string{"甲", "乙（改）", "丁", "戊"}
	var got []string
	for _, p := range diff.Paragraphs(a, b) {
		got = append(got, fmt.Sprintf("%s %d %s→%s", p.Op(), p.Pos, p.Old, p.New))
	}
	want := []string{"same 1 甲→甲", "changed 2 乙→乙（改）", "removed 3 丙→", "same 3 丁→丁", "added 4 →戊"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Paragraphs:\n got %v\nwant %v", got, want)
	}
}

func TestSummary(t *testing.T) {
	a := &sppcrawl.Article{Title: "标题", Source: "高检网", Paragraphs: []string{"一", "二"}}
	b := &sppcrawl.Article{Title: "标题（修订）", Source: "高检网", Paragraphs: []string{"一", "二", "三"}}
	if got := diff.Summary(a, b, true); got != "title changed; paragraphs: 1 added" {
		t.Errorf("Summary = %q", got)
	}
	if got := diff.Summary(a, a, true); got != "no text change" {
		t.Errorf("Summary of the same = %q", got)
	}
	if got := diff.Summary(a, b, false); got != "title changed; text not kept (archived before every version was kept)" {
		t.Errorf("Summary without text = %q", got)
	}
}

// A version that changed only a field of the header, or only its images
// or attachments, says which: history and the web timeline show no "no
// text change" for a correction of 来源 or 作者.
func TestSummary_FieldOnly(t *testing.T) {
	base := func() *sppcrawl.Article {
		return &sppcrawl.Article{Title: "标题", Source: "高检网", Author: "甲", Editor: "乙", Paragraphs: []string{"一"},
			PublishedAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("", 8*3600)),
			Images:      []sppcrawl.Image{{URL: "https://www.spp.gov.cn/a.jpg", Alt: "图"}},
			Attachments: []sppcrawl.Attachment{{URL: "https://www.spp.gov.cn/a.pdf", Name: "附件"}}}
	}
	for _, c := range []struct {
		change func(*sppcrawl.Article)
		want   string
	}{
		{func(a *sppcrawl.Article) { a.Source = "检察日报（更正）" }, "source changed"},
		{func(a *sppcrawl.Article) { a.Author = "丙" }, "author changed"},
		{func(a *sppcrawl.Article) { a.Editor = "丁" }, "editor changed"},
		{func(a *sppcrawl.Article) { a.PublishedAt = a.PublishedAt.Add(time.Hour) }, "published_at changed"},
		{func(a *sppcrawl.Article) { a.Kicker = "引题" }, "kicker changed"},
		{func(a *sppcrawl.Article) { a.Subtitle = "副题" }, "subtitle changed"},
		{func(a *sppcrawl.Article) { a.Images[0].Alt = "新图" }, "images: 1 added, 1 removed"},
		{func(a *sppcrawl.Article) {
			a.Images = append(a.Images, sppcrawl.Image{URL: "https://www.spp.gov.cn/b.jpg"})
		}, "images: 1 added"},
		{func(a *sppcrawl.Article) { a.Attachments = nil }, "attachments: 1 removed"},
		{func(a *sppcrawl.Article) { a.Source, a.Editor = "检察日报", "丁" }, "source changed; editor changed"},
		{func(a *sppcrawl.Article) { a.Channel, a.ModifiedAt = "头条", time.Now() }, "no text change"},
	} {
		b := base()
		c.change(b)
		if got := diff.Summary(base(), b, true); got != c.want {
			t.Errorf("Summary = %q, want %q", got, c.want)
		}
	}
	two, swapped := base(), base()
	two.Images = append(two.Images, sppcrawl.Image{URL: "https://www.spp.gov.cn/b.jpg"})
	swapped.Images = []sppcrawl.Image{two.Images[1], two.Images[0]}
	if got := diff.Summary(two, swapped, true); got != "images reordered" {
		t.Errorf("Summary of reordered images = %q", got)
	}
}

// Inside a changed paragraph the difference is marked character by
// character: Chinese has no spaces to split words on.
func ExampleChars() {
	fmt.Println(diff.Inline(diff.Chars("第一段。", "第一段（已更正）。")))
	// Output: 第一段{+（已更正）+}。
}
