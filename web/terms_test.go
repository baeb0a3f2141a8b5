package web

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"sppcrawl"
)

// english finds what the pages must never show: a word of Latin letters
// that is not a name (sppcrawl, HTTP, CSV…) or a command's flag.
var english = regexp.MustCompile(`\b(ok|missing|shrunk|empty|not-a-list|gone|failed|failures|fetched|skipped|records?|created|updated|unchanged|aliased|requests|walk|page|blocked|interrupted|error|warnings?|channels?|answers|layout|template)\b`)

// Every state a page names has a Chinese word: each run outcome, health
// and gap reason, and the crawl's reasons as the crawler words them.
func TestTerms(t *testing.T) {
	for _, o := range []sppcrawl.RunOutcome{sppcrawl.RunOK, sppcrawl.RunFailures, sppcrawl.RunBlocked, sppcrawl.RunInterrupted, sppcrawl.RunError} {
		if runOutcomes[o] == "" {
			t.Errorf("run outcome %s: no word", o)
		}
	}
	for _, h := range sppcrawl.Healths {
		if w := healthWord(h); w == "" || w == "异常" {
			t.Errorf("health %s: no word", h)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{healthWord(sppcrawl.HealthShrunk), "缩减"},
		{reasonText("https://www.spp.gov.cn/spp/x/ answers HTTP 404"), "频道首页答 HTTP 404"},
		{reasonText("its pager announces 3 articles, 64 at the last ok run"), "网站公布 3 篇，上次正常时 64 篇"},
		{reasonText("指导性案例 (jczdal): source empty on 9 of 10 new pages, usually 2 %: has the page template changed?"), "新文章中 9/10 篇的字段 source 为空（通常 2%）：页面模板可能已改变"},
		{reasonText("HTTP 503"), "网站答 HTTP 503"},
		{reasonText("Get \"https://x/\": context deadline exceeded"), "请求超时"},
		{reasonText("something nobody foresaw"), unknownReason},
		{gapWhy("not yet fetched"), "尚未抓取"},
		{gapWhy("gone"), "已失效"},
		{walkText("page 7 of 12 (full walk)"), "第 7 / 12 页（全量回溯）"},
		{walkText("page 3 (walk back to 2025-01-01)"), "第 3 页（回溯至 2025-01-01）"},
		{durationText(1234 * time.Millisecond), "1.2 秒"},
		{durationText(185 * time.Second), "3 分 5 秒"},
	} {
		if tc.in != tc.want {
			t.Errorf("got %q, want %q", tc.in, tc.want)
		}
	}
}

// The last run's line is Chinese from end to end.
func TestRunLine(t *testing.T) {
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := sppcrawl.RunSummary{Started: start, Finished: start.Add(1500 * time.Millisecond), Channels: 17, ListPages: 24, Created: 285,
		Updated: 3, Failures: 1, Media: 52, MediaFiles: 50, Requests: 400, Outcome: sppcrawl.RunFailures,
		Resuming: []string{"jczdal: page 7 of 12 (full walk)"}, Warnings: []string{"x"}}
	got := runLine(s)
	want := "抓取有失败：17 个频道，24 个列表页，新增 285 篇，更正 3 篇，未变 0 篇，另一网址 0 个，失败 1 个，已失效 0 个，存档图片和附件 52 个（新文件 50 个），请求 400 次，用时 1.5 秒；下次继续 指导性案例 第 7 / 12 页（全量回溯）；1 条警告。"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if m := english.FindString(strings.ToLower(got)); m != "" {
		t.Errorf("%q in %s", m, got)
	}
}
