package extract_test

import (
	"strings"
	"testing"
)

// The names win over the position wherever the headline is read: a line
// classed yt is the 引题 and one classed ft a 副题 even below the title.
func TestParseArticle_HeadlineClassesAfterTitle(t *testing.T) {
	const (
		title = "以高质量检察履职服务保障中国式现代化"
		yt    = "应勇强调"
		ft1   = "坚决把思想和行动统一到党中央决策部署上来"
		ft2   = "推动新时代检察工作高质量发展"
	)
	roles := `<p class="yt">` + yt + `</p><p class="ft">` + ft1 + `</p><p class="ft">` + ft2 + `</p>`
	cases := []struct {
		name, template, area      string
		kicker, subtitle, wantTit string
	}{
		{"current, own area below the title", "current",
			`<div class="detail_tit">` + title + `</div><div class="detail_tit2">` + roles + `</div>`,
			yt, ft1 + " " + ft2, title},
		{"current, title first in the same area", "current",
			`<div class="detail_tit2"><p>` + title + `</p>` + roles + `</div>`,
			yt, ft1 + " " + ft2, title},
		{"current, 副题 before 引题", "current",
			`<div class="detail_tit">` + title + `<p class="ft">` + ft1 + `</p><p class="yt">` + yt + `</p></div>`,
			yt, ft1, title},
		{"current, no classes: position", "current",
			`<div class="detail_tit"><p>` + yt + `</p><p>` + title + `</p><p>` + ft1 + `</p></div>`,
			yt, ft1, title},
		{"current, only the classed area, the title a little shorter in <title>", "current",
			`<div class="detail_tit2"><p>` + title + `（全文）</p>` + roles + `</div>`,
			yt, ft1 + " " + ft2, title + "（全文）"},
		{"older template, title first in the block", "trs",
			`<div class="detail_tit"><p>` + title + `</p>` + roles + `</div>`,
			yt, ft1 + " " + ft2, title},
		{"older template, title named by class", "trs",
			`<div class="detail_tit"><p class="zt">` + title + `</p>` + roles + `</div>`,
			yt, ft1 + " " + ft2, title},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := sppSite.ParseArticle([]byte(headlinePage(c.template, title, c.area)),
				"https://www.spp.gov.cn/spp/gjybs/202603/t20260312_735410.shtml", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct{ field, got, want string }{
				{"kicker", a.Kicker, c.kicker}, {"title", a.Title, c.wantTit}, {"subtitle", a.Subtitle, c.subtitle},
			} {
				if f.got != f.want {
					t.Errorf("%s = %q, want %q", f.field, f.got, f.want)
				}
			}
		})
	}
}

// headlinePage is a detail page of the current template (#fontzoom) or an
// older one (TRS_Editor) whose title area is area.
func headlinePage(template, title, area string) string {
	body := `<div id="fontzoom"><p style="text-indent: 2em;">3月12日，最高人民检察院党组书记、检察长应勇主持召开党组会议。</p></div>`
	if template == "trs" {
		body = `<div class="TRS_Editor"><p>3月12日，最高人民检察院党组书记、检察长应勇主持召开党组会议。</p></div>`
	}
	return strings.Join([]string{`<!DOCTYPE html><html><head><meta charset="UTF-8"><title>`, title,
		`_中华人民共和国最高人民检察院</title><meta name='firstpublishedtime' content="2026-03-12-10:02:11"></head><body>`,
		`<div class="BreadcrumbNav">当前位置：<a href='/spp/index.shtml'>首页</a>&nbsp;>&nbsp;<a href='/spp/gjybs/index.shtml'><span>最高检新闻</span></a></div>`,
		`<div class="detail_con">`, area,
		`<div class="detail_extend"><div class="detail_extend1 fl">时间：2026-03-12　　作者：　　来源：检察日报</div></div>`,
		body, `</div><p>Copyrights©最高人民检察院 All Rights Reserved.</p></body></html>`}, "")
}
