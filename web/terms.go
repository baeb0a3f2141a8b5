package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/sites"
)

// The pages speak Chinese; the crawl, the store and the API record their
// states and reasons in English (for the command line and the logs). This
// file is the one table between the two: every status word, reason and
// count a page shows passes through it, so no page shows an English word
// and two pages never name the same state differently.

// allSites is the choice of every site, where a page lets one be chosen.
const allSites = "全部站点"

// runOutcomes names how a crawl ended.
var runOutcomes = map[sppcrawl.RunOutcome]string{
	sppcrawl.RunOK:          "正常",
	sppcrawl.RunFailures:    "有失败",
	sppcrawl.RunBlocked:     "被网站拦截",
	sppcrawl.RunInterrupted: "被中断",
	sppcrawl.RunError:       "出错",
}

// healthWords names a channel's health.
var healthWords = map[sppcrawl.Health]string{
	sppcrawl.HealthOK:       "正常",
	sppcrawl.HealthMissing:  "缺失",
	sppcrawl.HealthNotAList: "不是列表",
	sppcrawl.HealthEmpty:    "为空",
	sppcrawl.HealthShrunk:   "缩减",
}

// gapWhys names why a listed article is not in the archive (sppcrawl.Gap.Why).
var gapWhys = map[string]string{"not yet fetched": "尚未抓取", "failed": "抓取失败", "gone": "已失效"}

// walkKinds names what an unfinished walk walks back to (Walk.String).
var walkKinds = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^full walk$`), "全量回溯"},
	{regexp.MustCompile(`^walk back to (\S+)$`), "回溯至 $1"},
	{regexp.MustCompile(`^first run's 30 days$`), "首次运行的 30 天"},
}

// reasons are the crawl's and the fetcher's reasons, as patterns, in
// Chinese; a reason none matches is said by its kind alone (unknownReason),
// never shown in English.
var reasons = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`answers HTTP (\d+)`), "频道首页答 HTTP $1"},
	{regexp.MustCompile(`answers with the site's homepage`), "频道首页返回了网站首页（网站对不存在的路径的回答）"},
	{regexp.MustCompile(`is a page of kind "?([\w-]+)"?, not a list`), "频道首页不是列表页"},
	{regexp.MustCompile(`lists no article`), "频道首页没有列出任何文章"},
	{regexp.MustCompile(`announces (\d+) articles, (\d+) at the last ok run`), "网站公布 $1 篇，上次正常时 $2 篇"},
	{regexp.MustCompile(`(\w+) empty on (\d+) of (\d+) new pages, usually (\d+) %`), "新文章中 $2/$3 篇的字段 $1 为空（通常 $4%）：页面模板可能已改变"},
	{regexp.MustCompile(`(\d+) of (\d+) new pages are of no known layout`), "新文章中 $1/$2 篇的版式无法识别：页面模板可能已改变"},
	{regexp.MustCompile(`HTTP (\d{3})`), "网站答 HTTP $1"},
	{regexp.MustCompile(`(?i)timeout|deadline exceeded`), "请求超时"},
	{regexp.MustCompile(`(?i)connection refused`), "连接被拒绝"},
	{regexp.MustCompile(`(?i)connection reset|EOF`), "连接中断"},
	{regexp.MustCompile(`(?i)no such host`), "域名无法解析"},
	{regexp.MustCompile(`(?i)not an article|no article`), "不是文章页"},
	{regexp.MustCompile(`(?i)did not decode`), "存档记录无法解码，原页面也未能取回"},
	{regexp.MustCompile(`(?i)blocked|challenge`), "被网站的反爬措施拦截"},
}

const unknownReason = "原因未能识别，详见抓取日志"

// reasonText says an English reason in Chinese.
func reasonText(en string) string {
	for _, r := range reasons {
		if m := r.re.FindStringSubmatchIndex(en); m != nil {
			return string(r.re.ExpandString(nil, r.zh, en, m))
		}
	}
	if strings.TrimSpace(en) == "" {
		return ""
	}
	return unknownReason
}

// healthWord names a health; "" for none recorded yet.
func healthWord(h sppcrawl.Health) string {
	if h == "" {
		return ""
	}
	if zh, ok := healthWords[h]; ok {
		return zh
	}
	return "异常"
}

// gapWhy names why a listed article is missing.
func gapWhy(why string) string {
	if zh, ok := gapWhys[why]; ok {
		return zh
	}
	return "缺失"
}

var walkPattern = regexp.MustCompile(`^page (\d+)(?: of (\d+))? \((.+)\)$`)

// walkText says where an unfinished walk is: "第 7 / 12 页（全量回溯）".
func walkText(en string) string {
	m := walkPattern.FindStringSubmatch(en)
	if m == nil {
		return ""
	}
	kind := "回溯"
	for _, k := range walkKinds {
		if k.re.MatchString(m[3]) {
			kind = k.re.ReplaceAllString(m[3], k.zh)
		}
	}
	if m[2] != "" {
		return "第 " + m[1] + " / " + m[2] + " 页（" + kind + "）"
	}
	return "第 " + m[1] + " 页（" + kind + "）"
}

// runLine is a crawl's summary in Chinese, as the home page shows it.
func runLine(s sppcrawl.RunSummary) string {
	outcome, ok := runOutcomes[s.Outcome]
	if !ok {
		outcome = "结束"
	}
	parts := []string{fmt.Sprintf("%d 个频道", s.Channels), fmt.Sprintf("%d 个列表页", s.ListPages),
		fmt.Sprintf("新增 %d 篇", s.Created), fmt.Sprintf("更正 %d 篇", s.Updated), fmt.Sprintf("未变 %d 篇", s.Unchanged),
		fmt.Sprintf("另一网址 %d 个", s.Aliased), fmt.Sprintf("失败 %d 个", s.Failures), fmt.Sprintf("已失效 %d 个", s.Gone)}
	for _, c := range []struct {
		n    int
		what string
	}{{s.Recovered, "最后一轮补回 %d 个"}, {s.Rechecked, "复查 %d 篇"}, {s.Withdrawn, "发现撤下 %d 篇"}, {s.Restored, "恢复 %d 篇"},
		{s.Media, "存档图片和附件 %d 个（新文件 " + strconv.Itoa(s.MediaFiles) + " 个）"}, {s.MediaMissing, "图片和附件缺失 %d 个"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf(c.what, c.n))
		}
	}
	parts = append(parts, fmt.Sprintf("请求 %d 次", s.Requests), "用时 "+durationText(s.Finished.Sub(s.Started)))
	line := "抓取" + outcome + "：" + strings.Join(parts, "，")
	for _, r := range s.Resuming {
		key, walk, _ := strings.Cut(r, ": ")
		line += "；下次继续 " + channelLabel(key) + " " + walkText(walk)
	}
	if len(s.Warnings) > 0 {
		line += fmt.Sprintf("；%d 条警告", len(s.Warnings))
	}
	return line + "。"
}

// durationText is a duration in Chinese units: "1.2 秒", "3 分 5 秒".
func durationText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " 秒"
	case d < time.Hour:
		return fmt.Sprintf("%d 分 %d 秒", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d 小时 %d 分", int(d.Hours()), int(d.Minutes())%60)
}

// channelLabel is a channel's name from its key or path, the key itself
// when the table does not know it.
func channelLabel(keyOrPath string) string {
	if cs, err := sites.SelectChannels(sites.Default(), keyOrPath); err == nil && len(cs) == 1 && cs[0].Name != "" {
		return cs[0].Name
	}
	return keyOrPath
}

// warnings are what an operator must see, in Chinese, from the archive's
// state (not from Stats.Warnings, which are the command line's English).
func (s *Server) warnings(st *publish.Stats) []string {
	var out []string
	if s.ix != nil && s.ix.Filling() {
		out = append(out, "索引重建中：搜索索引正在根据档案重新建立，搜索暂不可用。")
	}
	for _, c := range st.Ledger {
		if c.Health != "" && c.Health != sppcrawl.HealthOK {
			out = append(out, fmt.Sprintf("频道 %s：%s（%s）", c.Name, healthWord(c.Health), reasonText(c.HealthReason)))
		}
		for _, d := range c.Drift {
			out = append(out, fmt.Sprintf("频道 %s：%s", c.Name, reasonText(d)))
		}
	}
	if ix := st.SearchIndex; ix != nil {
		switch {
		case ix.Damaged != "":
			out = append(out, "搜索索引损坏，正在根据档案重建。")
		case ix.Error != "":
			out = append(out, "搜索索引上次更新失败，搜索可能漏掉最近的文章。")
		case ix.Behind > 0 && !ix.Following:
			out = append(out, fmt.Sprintf("搜索索引落后档案 %d 篇（sppcrawl index 可补上）。", ix.Behind))
		}
	}
	if n := len(st.Damaged); n > 0 {
		out = append(out, damageText(n))
	}
	for _, s := range st.Subscriptions {
		if s.State == string(sppcrawl.SubFailing) {
			out = append(out, fmt.Sprintf("订阅 %s 推送失败（sppcrawl subscriptions resume %s 可重发）。", s.ID, s.ID))
		}
	}
	return out
}

// damageText is the banner of records a page left out because they do not
// decode.
func damageText(n int) string {
	return fmt.Sprintf("档案中有 %d 条记录无法解码，本页未列出（sppcrawl verify --repair 可将其隔离并重新抓取）。", n)
}

// skippedOf splits what a read of the archive returned: the records it left
// out (they do not decode) and any other error.
func skippedOf(err error) (int, error) {
	sk, err := sppcrawl.Partial(err)
	return len(sk), err
}
