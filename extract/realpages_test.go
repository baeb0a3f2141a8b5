package extract_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const realDir = "../../shared/realpages"

func readReal(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(realDir, name))
	if os.IsNotExist(err) {
		tb.Skipf("%s absent", realDir)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestRealDetailPage(t *testing.T) {
	b := readReal(t, "spp-jczdal-detail-t20260805_733868.html")
	for _, pageURL := range []string{"https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml", ""} {
		a, err := sppSite.ParseArticle(b, pageURL, "")
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct{ field, got, want string }{
			{"url", a.URL, "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml"},
			{"title", a.Title, "第六十三批指导性案例"},
			{"kicker", a.Kicker, ""},
			{"subtitle", a.Subtitle, ""},
			{"published_at", a.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), "2026-08-05T09:56:38+08:00"},
			{"modified_at", a.ModifiedAt.Format("2006-01-02T15:04:05Z07:00"), "2026-08-05T09:57:10+08:00"},
			{"source", a.Source, "高检网"},
			{"author", a.Author, ""},
			{"editor", a.Editor, "贾欣然"},
			{"channel", a.Channel, "指导性案例"},
			{"channel_path", a.ChannelPath, "/spp/jczdal/"},
			{"id", a.ID, "spp-733868"},
			{"paragraphs[0]", a.Paragraphs[0], "关于印发最高人民检察院第六十三批指导性案例的通知"},
			{"last paragraph", a.Paragraphs[len(a.Paragraphs)-1], "《最高人民法院关于适用<中华人民共和国刑事诉讼法>的解释》（法释〔2021〕1号）第一百四十条"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("url %q: %s = %q, want %q", pageURL, c.field, c.got, c.want)
			}
		}
		all := strings.Join(a.Paragraphs, "\n")
		for _, bad := range []string{"责任编辑", "相关新闻", "Copyrights", "京ICP备", "北河沿大街", "字体", "manuscriptPage_N", "当前位置"} {
			if strings.Contains(all, bad) || strings.Contains(a.BodyHTML, bad) {
				t.Errorf("%q leaked into the body", bad)
			}
		}
		for _, bad := range []string{"<script", "<span", "style=\"margin", "font-family", "onclick"} {
			if strings.Contains(a.BodyHTML, bad) {
				t.Errorf("body_html keeps %q", bad)
			}
		}
		if !strings.Contains(a.BodyHTML, `<p style="text-align:right"><strong>`) && !strings.Contains(a.BodyHTML, `<p style="text-align:right">最高人民检察院`) {
			t.Errorf("right-aligned signature lost in body_html")
		}
	}
}

func TestRealListPage(t *testing.T) {
	b := readReal(t, "spp-jczdal-list-index.html")
	l, err := sppSite.ParseList(b, "https://www.spp.gov.cn/spp/jczdal/index.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(l.Items), 30; got != want {
		t.Errorf("items = %d, want %d", got, want)
	}
	if l.Page != 1 || l.PageCount != 3 || l.Total != 62 {
		t.Errorf("page %d of %d, total %d; want 1 of 3, 62", l.Page, l.PageCount, l.Total)
	}
	if got, want := l.Items[0].URL, "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml"; got != want {
		t.Errorf("first item = %q, want %q", got, want)
	}
	if got, want := l.Items[0].Date.Format("2006-01-02"), "2026-08-05"; got != want {
		t.Errorf("first date = %q, want %q", got, want)
	}
	if got, want := l.Channel, "指导性案例"; got != want {
		t.Errorf("channel = %q, want %q", got, want)
	}
	want := []string{
		"https://www.spp.gov.cn/spp/jczdal/index.shtml",
		"https://www.spp.gov.cn/spp/jczdal/index_2.shtml",
		"https://www.spp.gov.cn/spp/jczdal/index_3.shtml",
	}
	if strings.Join(l.PageURLs, " ") != strings.Join(want, " ") {
		t.Errorf("page urls = %v, want %v", l.PageURLs, want)
	}
	// The real list page is not an article.
	if _, err := sppSite.ParseArticle(b, l.URL, ""); err == nil {
		t.Error("list page parsed as an article")
	}
}

func readFile(name string) ([]byte, error) { return os.ReadFile(name) }

// The real 第六十三批 page holds a notice, then five guiding cases.
func TestRealDetailPage_Cases(t *testing.T) {
	b := readReal(t, realDetail)
	a, err := sppSite.ParseArticle(b, "https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Cases) != 5 {
		t.Fatalf("%d cases, want 5", len(a.Cases))
	}
	titles := []string{"陈某抢劫再审抗诉案", "辛某故意杀人再审抗诉案", "谭某义故意杀人、强奸再审抗诉案", "许某运输毒品再审抗诉案", "马某林抢劫再审抗诉案"}
	for i, c := range a.Cases {
		if want := fmt.Sprintf("检例第%d号", 257+i); c.Number != want || c.Title != titles[i] {
			t.Errorf("case %d: %q %q, want %q %q", i, c.Number, c.Title, want, titles[i])
		}
	}
	first := a.Cases[0]
	if got := strings.Join(first.Keywords, "|"); got != "再审抗诉|抢劫|侦破经过|翻供|指纹运用" {
		t.Errorf("keywords %s", got)
	}
	var headings []string
	for _, s := range first.Sections {
		headings = append(headings, s.Heading)
	}
	if got := strings.Join(headings, "|"); got != "要旨|基本案情|检察机关履职过程|指导意义|相关规定" {
		t.Errorf("headings %s", got)
	}
	if last := first.Sections[len(first.Sections)-1]; len(last.Paragraphs) != 2 || !strings.HasPrefix(last.Paragraphs[0], "《中华人民共和国刑法》") {
		t.Errorf("相关规定 %q", last.Paragraphs)
	}
	// No paragraph of the notice in any case.
	notice := a.Paragraphs[:5]
	for _, c := range a.Cases {
		for _, s := range c.Sections {
			for _, p := range s.Paragraphs {
				if slices.Contains(notice, p) {
					t.Errorf("the notice's %q is in case %s", p, c.Number)
				}
			}
		}
	}
	if a.Document != nil {
		t.Errorf("document %+v: the page is no normative document", a.Document)
	}
}

// The real 地方动态 page: a three-level breadcrumb, two authors and two
// editors, &ensp; in the lead, and the headline block repeated at the top of
// the body as centred bold lines, whose copy of the title differs
// (梁平 / 梁平区): the line before it is the 引题; the paragraphs keep it.
func TestRealDetailPage_HeadlineInBody(t *testing.T) {
	b := readReal(t, "spp-dfjcdt-detail-t20260421_726166.html")
	for _, pageURL := range []string{"https://www.spp.gov.cn/spp/dfjcdt/202604/t20260421_726166.shtml", ""} {
		a, err := sppSite.ParseArticle(b, pageURL, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ field, got, want string }{
			{"url", a.URL, "https://www.spp.gov.cn/spp/dfjcdt/202604/t20260421_726166.shtml"},
			{"id", a.ID, "spp-726166"},
			{"title", a.Title, "重庆梁平区：检察公益诉讼推动消除无人机“黑飞”隐患"},
			{"kicker", a.Kicker, "农用无人机和飞手都要“持证上岗”"},
			{"subtitle", a.Subtitle, ""},
			{"published_at", a.PublishedAt.Format("2006-01-02"), "2026-04-21"},
			{"source", a.Source, "检察日报-检察新闻版"},
			{"author", a.Author, "张博 彭蕊 骆军"},
			{"editor", a.Editor, "刘正人 吴怡铭"},
			{"channel", a.Channel, "地方动态"},
			{"channel_path", a.ChannelPath, "/spp/dfjcdt/"},
			{"paragraphs[0]", a.Paragraphs[0], "农用无人机和飞手都要“持证上岗”"},
			{"paragraphs[1]", a.Paragraphs[1], "重庆梁平：检察公益诉讼推动消除无人机“黑飞”隐患"},
		} {
			if c.got != c.want {
				t.Errorf("url %q: %s = %q, want %q", pageURL, c.field, c.got, c.want)
			}
		}
		if !strings.HasPrefix(a.Paragraphs[2], "本报讯（全媒体记者张博 通讯员彭蕊 骆军）近日，正值春耕时节") {
			t.Errorf("the lead: %q (its &ensp; a space)", a.Paragraphs[2])
		}
		if len(a.Paragraphs) != 10 || !strings.HasPrefix(a.Paragraphs[9], "为推动从业者") {
			t.Errorf("%d paragraphs, the last %q", len(a.Paragraphs), a.Paragraphs[len(a.Paragraphs)-1])
		}
		if a.Cases != nil || a.Document != nil {
			t.Errorf("news has no cases or document: %+v %+v", a.Cases, a.Document)
		}
	}
}
