package trs_test

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Templates of the platform the fixture sites do not have, written after
// the detail pages sites.md quotes as text: each reads whole.
func TestSite_ParseArticle_Templates(t *testing.T) {
	for _, c := range []struct {
		name, host, path, page                       string
		gb                                           bool
		title, when, source, author, editor, channel string
		paragraphs                                   []string
	}{
		{name: "quanzhou: GB2312, a wrapper .content around title, info and #zoom", host: "www.quanzhou.jcy.gov.cn",
			path: "/jwgk/gggs/201805/t20180518_2215294.shtml", gb: true,
			page: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>关于公开招聘书记员的公告_泉州市人民检察院</title></head><body>
<div class="nav"><a href="/jwgk/">检务公开</a> <a href="/jcyw/">检察要闻</a></div>
<div class="content"><div class="dqwz">当前位置: <a href="/">首页</a>&gt;&gt;<a href="/jwgk/">检务公开</a>&gt;&gt;<a href="/jwgk/gggs/">公告公示</a></div>
<div class="bt">关于公开招聘书记员的公告</div>
<div class="sj">时间:2015-03-13&nbsp;&nbsp;作者:&nbsp;&nbsp;新闻来源: 【字号: <a href="#">大</a> | <a href="#">中</a> | <a href="#">小</a>】</div>
<div id="zoom"><p>根据工作需要，我院决定公开招聘书记员五名。</p><p>报名时间为2015年3月16日至3月20日。</p></div>
</div><div class="foot">版权所有：泉州市人民检察院</div></body></html>`,
			title: "关于公开招聘书记员的公告", when: "2015-03-13T00:00:00+08:00", channel: "公告公示",
			paragraphs: []string{"根据工作需要，我院决定公开招聘书记员五名。", "报名时间为2015年3月16日至3月20日。"}},
		{name: "jsjc: the site's name first in the title, a bare date beside 来源, 编辑 after the body, image separators", host: "zjjkq.jsjc.gov.cn",
			path: "/jsyw/201808/t20180821_598506.shtml",
			page: `<html><head><meta charset="utf-8"><title>镇江市京口区人民检察院 - 京口区检察院开展法治宣传进社区活动</title></head><body>
<div class="top"><h1>镇江市京口区人民检察院</h1></div>
<div class="wz">您的位置：<a href="/">首页</a><img src="/images/arrow.gif"><a href="/jsyw/">检察要闻</a></div>
<h2>京口区检察院开展法治宣传进社区活动</h2>
<div class="time">2018-08-21 09:23:00&nbsp;&nbsp;来源:</div>
<div class="TRS_PreAppend"><p>8月20日，京口区检察院干警走进社区，开展法治宣传活动。</p><p>活动现场发放宣传资料两百余份。</p></div>
<div class="bj">编辑:周洋</div>
<div class="foot">地址：镇江市</div></body></html>`,
			title: "京口区检察院开展法治宣传进社区活动", when: "2018-08-21T09:23:00+08:00", editor: "周洋", channel: "检察要闻",
			paragraphs: []string{"8月20日，京口区检察院干警走进社区，开展法治宣传活动。", "活动现场发放宣传资料两百余份。"}},
		{name: "ftjcy-like: the info above the title, no container: the densest block", host: "www.ftjcy.jcy.gov.cn",
			path: "/ywjj/tpxw/202401/t20240105_1123989.shtml",
			page: `<html><head><meta charset="utf-8"><title>福田区检察院召开新闻发布会</title></head><body>
<ul class="menu"><li><a href="/ywjj/">业务简介</a></li><li><a href="/tpxw/">图片新闻</a></li></ul>
<div class="crumb">当前位置 &gt; 业务简介 &gt; 图片新闻</div>
<div class="info">发布日期:2024-01-05 来源:福田区人民检察院</div>
<h1>福田区检察院召开新闻发布会</h1>
<div class="main"><p>1月4日，福田区人民检察院召开新闻发布会，通报2023年检察工作情况。</p><p>发布会上，该院发布了十起典型案例，涉及知识产权保护、未成年人保护等领域。</p></div>
<div class="side"><a href="/a/">相关新闻一</a><a href="/b/">相关新闻二</a></div></body></html>`,
			title: "福田区检察院召开新闻发布会", when: "2024-01-05T00:00:00+08:00", source: "福田区人民检察院", channel: "图片新闻",
			paragraphs: []string{"1月4日，福田区人民检察院召开新闻发布会，通报2023年检察工作情况。", "发布会上，该院发布了十起典型案例，涉及知识产权保护、未成年人保护等领域。"}},
		{name: "a title in an element of no title class, a meta date with slashes", host: "www.jcy.example.gov.cn",
			path: "/xwzx/202311/t20231102_88.html",
			page: `<html><head><meta charset="utf-8"><meta name="PubDate" content="2023/11/02 08:05"><title>全市检察长会议召开-某市人民检察院</title></head><body>
<div class="side"><ul><li><a href="/xwzx/202311/t20231102_88.html">全市检察长会议召开</a></li></ul></div>
<table><tr><td class="biaoti"><strong>全市检察长会议召开</strong></td></tr>
<tr><td>文章来源：某市人民检察院　作者：李明</td></tr>
<tr><td class="nr"><div class="TRS_Editor"><p>11月1日，全市检察长会议召开，部署下一阶段工作。</p></div></td></tr></table></body></html>`,
			title: "全市检察长会议召开", when: "2023-11-02T08:05:00+08:00", source: "某市人民检察院", author: "李明", channel: "xwzx",
			paragraphs: []string{"11月1日，全市检察长会议召开，部署下一阶段工作。"}},
		{name: "GB2312, xl_ classes, a date of 年月日, 信息来源, the body's TRS_Editor inside a container of no known class", host: "www.hbjc.gov.cn",
			path: "/jcdt/202103/t20210315_300001.shtml", gb: true,
			page: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" /><title>襄阳市检察院召开检委会会议_检察动态_湖北省人民检察院</title></head><body>
<div class="menu"><a href="/">首页</a> | <a href="/jcdt/">检察动态</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/jcdt/">检察动态</a></div>
<div class="xl_box"><h2 class="xl_title">襄阳市检察院召开检委会会议</h2>
<div class="xl_msg"><span>发布日期：2021年03月15日</span> <span>信息来源：襄阳市人民检察院</span> <span>作者：李明</span> <span>【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</span></div>
<div class="xl_con"><div class="TRS_Editor"><p>　　3月12日，襄阳市检察院召开检察委员会会议，审议重大案件。</p><p>　　会议还研究了其他事项。</p></div></div>
<div class="xl_print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div></div>
<div class="footer">版权所有：湖北省人民检察院</div></body></html>`,
			title: "襄阳市检察院召开检委会会议", when: "2021-03-15T00:00:00+08:00", source: "襄阳市人民检察院", author: "李明", channel: "检察动态",
			paragraphs: []string{"3月12日，襄阳市检察院召开检察委员会会议，审议重大案件。", "会议还研究了其他事项。"}},
		{name: "GB2312, a table layout, the body's lines between <br>s in a div#content, 文章来源 and 撰稿", host: "www.hbjc.gov.cn",
			path: "/jcdt/202206/t20220608_300002.shtml", gb: true,
			page: `<html><head><meta charset="gb2312"><title>宜昌市检察院开展普法宣传活动-湖北省人民检察院</title></head><body>
<table width="1000" align="center"><tr><td><img src="/img/banner.jpg"></td></tr><tr><td class="dh"><a href="/">网站首页</a> <a href="/jcdt/">检察动态</a></td></tr></table>
<table width="1000" align="center"><tr><td><table width="100%"><tr><td class="bt" align="center"><strong>宜昌市检察院开展普法宣传活动</strong></td></tr>
<tr><td align="center" class="sj">时间：2022-06-08 10:30　　文章来源：宜昌市人民检察院　　撰稿：王芳　　点击数：<script>document.write(12)</script></td></tr>
<tr><td class="nr"><div id="content">6月7日，宜昌市检察院走进社区开展普法宣传。<br>
检察干警向群众发放宣传资料，解答法律咨询。<br>
活动共发放资料三百余份。</div></td></tr></table></td></tr></table>
<div align="center">湖北省人民检察院 版权所有</div></body></html>`,
			title: "宜昌市检察院开展普法宣传活动", when: "2022-06-08T10:30:00+08:00", source: "宜昌市人民检察院", author: "王芳", channel: "jcdt",
			paragraphs: []string{"6月7日，宜昌市检察院走进社区开展普法宣传。", "检察干警向群众发放宣传资料，解答法律咨询。", "活动共发放资料三百余份。"}},
		{name: "GB2312, a publishdate meta, 您所在的位置, an h3 title, the editor as the body's last line", host: "www.hbjc.gov.cn",
			path: "/dfjc/202305/t20230506_300003.shtml", gb: true,
			page: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><meta name="publishdate" content="2023-05-06 14:20"><title>十堰市检察院：以检察履职护航营商环境</title></head>
<body><div id="top"><a href="/">首页</a></div>
<div class="location">您所在的位置：<a href="/">首页</a> &gt; <a href="/dfjc/">地方检察</a> &gt; 正文</div>
<div class="wzbox"><h3>十堰市检察院：以检察履职护航营商环境</h3>
<p class="laiyuan">2023年5月6日 14:20&nbsp;&nbsp;来源：十堰日报</p>
<div class="wzcon"><p>今年以来，十堰市检察机关聚焦营商环境，办理涉企案件一百余件。</p>
<p>该院建立涉企案件快速办理机制。</p>
<p>（责任编辑：陈静）</p></div></div>
<div class="copyright">Copyright 湖北省人民检察院</div></body></html>`,
			title: "十堰市检察院：以检察履职护航营商环境", when: "2023-05-06T14:20:00+08:00", source: "十堰日报", editor: "陈静", channel: "地方检察",
			paragraphs: []string{"今年以来，十堰市检察机关聚焦营商环境，办理涉企案件一百余件。", "该院建立涉企案件快速办理机制。"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustSite(t, c.host)
			body := []byte(c.page)
			if c.gb {
				var err error
				if body, err = simplifiedchinese.GBK.NewEncoder().Bytes(body); err != nil {
					t.Fatal(err)
				}
			}
			a, err := s.ParseArticle(body, "http://"+c.host+c.path, "text/html")
			if err != nil {
				t.Fatal(err)
			}
			got := []string{a.Title, a.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), a.Source, a.Author, a.Editor, a.Channel}
			want := []string{c.title, c.when, c.source, c.author, c.editor, c.channel}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(a.Paragraphs, c.paragraphs) {
				t.Errorf("paragraphs %q\nwant %q", a.Paragraphs, c.paragraphs)
			}
		})
	}
}

// A body of its own keeps a first line that repeats the title (a
// document's own heading), as spp's bodies do.
func TestSite_ParseArticle_BodyOpensWithTitle(t *testing.T) {
	s := mustSite(t, "www.gd.jcy.gov.cn")
	page := `<html><head><meta charset="utf-8"><title>关于召开公开听证会的公告_广东省人民检察院</title></head><body>
<h1 class="title">关于召开公开听证会的公告</h1><div class="info">时间：2024-04-28 来源：广东省人民检察院</div>
<div class="TRS_Editor"><p>关于召开公开听证会的公告</p><p>本院定于5月10日召开公开听证会。</p></div></body></html>`
	a, err := s.ParseArticle([]byte(page), "https://www.gd.jcy.gov.cn/tzgg/202404/t20240428_6440801.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) != 2 || a.Paragraphs[0] != a.Title {
		t.Errorf("paragraphs %q", a.Paragraphs)
	}
}

// A body container that opens with the info line: its fields are read and
// the line is no paragraph.
func TestSite_ParseArticle_InfoInBody(t *testing.T) {
	s := mustSite(t, "zjjkq.jsjc.gov.cn")
	page := `<html><head><meta charset="utf-8"><title>京口区检察院召开座谈会</title></head><body>
<h2 class="title">京口区检察院召开座谈会</h2>
<div id="zoom"><p>2018-08-21 09:23:00  来源:京口区人民检察院</p><p>作者:张三 责任编辑:周洋</p><p>8月20日，京口区检察院召开座谈会。</p></div></body></html>`
	a, err := s.ParseArticle([]byte(page), "https://zjjkq.jsjc.gov.cn/jsyw/201808/t20180821_598506.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{a.PublishedAt.Format("2006-01-02T15:04:05Z07:00"), a.Source, a.Author, a.Editor, strings.Join(a.Paragraphs, "|")}
	want := []string{"2018-08-21T09:23:00+08:00", "京口区人民检察院", "张三", "周洋", "8月20日，京口区检察院召开座谈会。"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Without a title element to place the body by, the container of most
// text is the body, not a footer of the same class before it.
func TestSite_ParseArticle_BodyWithoutTitleElement(t *testing.T) {
	s := mustSite(t, "www.gd.jcy.gov.cn")
	page := `<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="关于召开公开听证会的公告"><title>广东省人民检察院</title></head><body>
<div class="TRS_Editor"><span>欢迎访问广东省人民检察院网站</span></div>
<div class="info">时间：2024-04-28 来源：广东省人民检察院</div>
<div class="TRS_Editor"><p>本院定于5月10日召开公开听证会，现将有关事项公告如下。</p><p>听证会地点为本院听证室。</p></div>
<div class="TRS_Editor"><span>版权所有：广东省人民检察院</span></div></body></html>`
	a, err := s.ParseArticle([]byte(page), "https://www.gd.jcy.gov.cn/tzgg/202404/t20240428_6440801.shtml", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "关于召开公开听证会的公告" || len(a.Paragraphs) != 2 || a.Source != "广东省人民检察院" {
		t.Errorf("title %q, source %q, paragraphs %q", a.Title, a.Source, a.Paragraphs)
	}
}
