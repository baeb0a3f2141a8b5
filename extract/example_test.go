package extract_test

import (
	"errors"
	"fmt"

	"sppcrawl"

	"sppcrawl/extract"
	"sppcrawl/site/spp"
)

func Example_canonicalURL() {
	for _, u := range []string{
		"http://spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml#1",
		"/spp/tt/index.shtml?page=2",
		"https://example.com/spp/tt/",
	} {
		c, err := spp.Layout.CanonicalURL(u)
		fmt.Println(c, errors.Is(err, sppcrawl.ErrOffSite))
	}
	// Output:
	// https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml false
	// https://www.spp.gov.cn/spp/tt/index.shtml false
	//  true
}

func ExampleNormalizeText() {
	fmt.Printf("%q\n", extract.NormalizeText("\u3000\u3000再审抗诉\u2002\u2002抢劫\u200b\u00a0"))
	// Output: "再审抗诉 抢劫"
}

func ExampleParser_ParseArticle() {
	page := []byte(`<html><head><meta charset="utf-8">
<title>第六十三批指导性案例_中华人民共和国最高人民检察院</title>
<meta name="lanmu" content="指导性案例"><meta name='manuscriptId' content="733868">
<meta name='firstpublishedtime' content="2026-08-05-09:56:38"></head><body>
<div class="BreadcrumbNav">当前位置：<a href='/spp/index.shtml'>首页</a> > <a href='/spp/jczdal/index.shtml'><span>指导性案例</span></a></div>
<div class="detail_con"><div class="detail_tit">第六十三批指导性案例</div>
<div class="detail_extend1 fl">时间：2026-08-05　　作者：　　来源：高检网</div>
<div id="fontzoom"><p style="text-align: center;"><span style="font-weight: bold;">关于印发第六十三批指导性案例的通知</span></p>
<p>各省、自治区、直辖市人民检察院：</p></div>
<div class="zrbj zrbj_r">[责任编辑： 贾欣然]</div></div></body></html>`)
	a, err := sppSite.ParseArticle(page, "", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.ID, a.URL)
	fmt.Println(a.Title, a.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), a.Source, a.Editor)
	fmt.Println(a.Paragraphs)
	fmt.Println(a.BodyHTML)
	// Output:
	// spp-733868 https://www.spp.gov.cn/spp/jczdal/202608/t20260805_733868.shtml
	// 第六十三批指导性案例 2026-08-05T09:56:38+08:00 高检网 贾欣然
	// [关于印发第六十三批指导性案例的通知 各省、自治区、直辖市人民检察院：]
	// <p style="text-align:center">关于印发第六十三批指导性案例的通知</p>
	// <p>各省、自治区、直辖市人民检察院：</p>
}

func ExampleParser_ParseList() {
	page := []byte(`<div class="commonList_con"><ul class="li_line">
<li><a href="/spp/jczdal/202608/t20260805_733868.shtml">第六十三批指导性案例</a><span>2026-08-05</span></li>
<script>createPageHTML('page_div',3, 1,'index','shtml',62);</script></ul></div></body></html>`)
	l, err := sppSite.ParseList(page, "https://www.spp.gov.cn/spp/jczdal/index.shtml", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Page, l.PageCount, l.Total, l.Items[0].Title, l.Items[0].Date.Format("2006-01-02"))
	fmt.Println(l.PageURLs[1])
	// Output:
	// 1 3 62 第六十三批指导性案例 2026-08-05
	// https://www.spp.gov.cn/spp/jczdal/index_2.shtml
}
