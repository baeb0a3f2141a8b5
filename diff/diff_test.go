package diff_test

import (
	"fmt"
	"testing"

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

// Inside a changed paragraph the difference is marked character by
// character: Chinese has no spaces to split words on.
func ExampleChars() {
	fmt.Println(diff.Inline(diff.Chars("第一段。", "第一段（已更正）。")))
	// Output: 第一段{+（已更正）+}。
}
