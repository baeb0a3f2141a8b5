package crawler_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"sppcrawl/internal/realtext"
)

// A real-sized site: the numbers of the live one (a detail page ~30 KB, of
// which ~24 KB is the template's furniture: head scripts and styles, the
// header's icon bar and two-level navigation, the footer's link lists and
// selects; 15–40 paragraphs of body). Benchmarks measured on 2 KB pages
// flatter everything that is proportional to bytes: parsing, compression,
// storage.

// newRealSite is newSite with the live template and article lengths.
func newRealSite(sizes map[string]int, newest time.Time) *site {
	return generateSite(sizes, newest, true)
}

// realParagraphs is an article body of the live site's length: 15–40
// paragraphs, most of one sentence, some of two or more (~3 KB of text,
// so that the article's JSON is ~7 KB as the live ones are). With
// SPPCRAWL_BENCH_TEXT=real the sentences are the real pages' (see
// internal/realtext), not the 26-word vocabulary's.
func realParagraphs(r *rand.Rand) []string {
	if s := realSentences(); s != nil {
		return realtext.Paragraphs(r, s)
	}
	n := 15 + r.IntN(26)
	out := make([]string, n)
	for i := range out {
		p := sentence(r)
		for r.IntN(7) == 0 {
			p += sentence(r)
		}
		out[i] = p
	}
	return out
}

// realSentences are the real pages' sentences when SPPCRAWL_BENCH_TEXT is
// "real" (nil otherwise); a missing folder of real pages is fatal then.
var realSentences = sync.OnceValue(func() []string {
	if os.Getenv("SPPCRAWL_BENCH_TEXT") != "real" {
		return nil
	}
	s, err := realtext.Sentences(realtext.Dir)
	if err != nil {
		panic("SPPCRAWL_BENCH_TEXT=real: " + err.Error())
	}
	return s
})

// furnish dresses a page of the small template in the live one's furniture
// (a page of a small site is returned as it is).
func (s *site) furnish(page []byte) []byte {
	if !s.real {
		return page
	}
	f := liveFurniture()
	page = bytes.Replace(page, []byte("</head>"), []byte(f.head+"</head>"), 1)
	page = bytes.Replace(page, []byte("<body>\n"), []byte("<body>\n"+f.header), 1)
	return bytes.Replace(page, []byte(`<div class="footer">`), []byte(f.footer+`<div class="footer">`), 1)
}

type furniture struct{ head, header, footer string }

var liveFurniture = sync.OnceValue(func() furniture {
	var f furniture
	f.head = `	<meta http-equiv="X-UA-Compatible" content="IE=9" />
	<meta name="viewport" content="width=device-width, initial-scale=1">
	<link href="/spp/xhtml/favicon.ico" rel="shortcut icon" type="image/x-icon">
<meta name="template,templategroup,version" content="10039,default,4.4" />
	<meta name="keywords" content="">
<link rel="stylesheet" href="/spp/xhtml/css/common_pc.css">
<style type="text/css">
#pageBreak{ text-align:center}
@media screen and (max-width: 768px){
#pageBreak{width: 100% !important;}
}
</style>
	<script src="/spp/xhtml/js/jquery-2.2.4.min.js"></script>
	<script src="/spp/xhtml/js/manuscript.js"></script>
	<!--[if lt IE 9]>
	  <script src="/spp/xhtml/js/html5shiv.min.js"></script>
	  <script src="/spp/xhtml/js/respond.min.js"></script>
	<![endif]-->
`
	var h strings.Builder
	h.WriteString(`<!--头部   start-->
<script>
  $(document).ready(function() {
     $('nav li.mainlevel a').on('click touchend', function(e) {
       var screen_width = window.screen.width;
       if(screen_width<991){
          var el = $(this);
          window.location = el.attr('href');
        }
    });
});
</script>
<script src="/spp/xhtml/js/header_pub.js"></script>
<div class="top_nav_mobile" style="padding:0px;">
	<div class="sel_btn fl"><div class="sel_btn1"><img src="/spp/xhtml/images/public/iphone_btn.png" alt="" /></div><div class="sel_btn2"><img src="/spp/xhtml/images/public/close.png" alt="" /></div></div>
	<div class="nbyx_mobile fl"><a href="https://mail.spp.gov.cn/" target="_blank"><img src="/spp/xhtml/images/public/hayx.png" ></a></div>
	<div class="mobile_search fr"><div class="search fl sjxs"><input type="text" placeholder="请输入关键字" id="qt2" name="qt"><button class="btn" id="btn2" type="submit"></button></div><a onclick="change('desktop')">电脑版</a></div>
</div>
<div class="w1200 head_pc">
	<div class="top_nav">
		<div class="top_icon fl">
			<ul>
`)
	icons := []string{"https://weibo.com/sppcn", "/spp/tbwl/201802/t20180207_365222.shtml", "https://3g.k.sohu.com/t/pf5826250648924368959",
		"https://view.inews.qq.com/media/5086837", "https://c.m.163.com/news/sub/T1447659102268.html?spss=newsapp", "https://wap.peopleapp.com/rmh/3",
		"https://profile.zjurl.cn/rogue/ugc/profile/?version_code=769&amp;user_id=3640241275&amp;media_id=3670315556&amp;app_name=news_article",
		"https://www.zhihu.com/people/3003be65a8f608007d4aaaab1a8b55da", "https://www.thepaper.cn/gov_89605", "https://mr.baidu.com/r/czkk5y5?f=cp",
		"https://v.douyin.com/3UwwR3/"}
	for i, u := range icons {
		fmt.Fprintf(&h, "\t\t\t\t<a target=\"_blank\" href=\"%s\" class=\"topB1\"><img  src=\"/spp/tbwl//2018-02/07/%d/images/%032x.png\" /></a>\n", u, 365216+i, 0x64acb84ca8104aa0+i*7919)
	}
	h.WriteString(`			</ul>
			<style type="text/css">
				.top_icon ul a{position: relative;}
				.top_icon ul a .image_1{position: absolute;top: 22px;left: -25px;display: none; width: 100px; padding-top: 12px;}
			</style>
			<script type="text/javascript">
				// 微信抖音下拉
				var icons = $('.top_icon ul a');
				showErwei(icons.eq(1), '/spp/xhtml/images/weixinduan.jpg');
				showErwei(icons.eq(10), '/spp/xhtml/images/public/douyinerwei.jpg');
				function showErwei(target, imgUrl){
					target.attr({'target': '_self', 'href': 'javascript:;'}).append("<img class='image_1' src='" + imgUrl + "'>");
					var bigImg = target.find('.image_1');
					target.on('mouseenter', function(){ bigImg.show(); }).on('mouseleave', function(){ bigImg.hide(); })
				}
			</script>
		</div>
<!--无障碍-->
<style>
.wza_list{width: 80px;height: 20px; margin-top:20px; margin-left:10px; line-height:20px; font-size:14px; color:#FFFFFF; }
.wza_list a{color:#FFFFFF}
@media screen and (max-width: 991px){ .wza_list{display:none;} }
</style>
<div class="wza_list fr"><a href="javascript:;" onclick="aria.start()" target="_self">网站无障碍</a></div>
<script defer async type="text/javascript" src="//gov.govwza.cn/dist/aria.js?appid=167f6ce01c9621a00033f2c09c409f58" charset="utf-8"></script>
		<div class="search fr"><input type="text" placeholder="请输入关键字" class="qt" id="qt1" name="qt"><button class="btn btn1" id="btn1" type="submit"></button></div>
<div class="zhongying"><a href="https://www.spp.gov.cn/" target="_blank" style="color:#FFF">[ 中文版 ]</a> <a href="https://en.spp.gov.cn/" target="_blank" style="color:#FFF">[ English ]</a></div>
		<div class="nbyx fr sjyc"><a href="https://mail.spp.gov.cn/" target="_blank"><img src="/spp/xhtml/images/public/hayx.png" >内部邮箱</a></div>
	</div>
</div>
<div class="logo"><img src="/spp/xhtml/images/public/logo.png" alt=""></div>
<nav>
	<ul class="w1200">
<li class="home mainlevel"><a href="https://www.spp.gov.cn" target="_blank">首页</a></li>
`)
	// The navigation: eight menus of the site's sections, as the live
	// header has them (names and paths of its real sections).
	menus := []struct {
		name, path string
		subs       [][2]string
	}{
		{"机构设置", "jgsz", [][2]string{{"最高人民检察院简介", "rmjcyjj"}, {"机构设置", "jgsz"}, {"最高检机构", "gjyjg"}}},
		{"检察新闻", "jcxw", [][2]string{{"最高检新闻", "gjybs"}, {"最高检简讯", "zhuanlan/zgjjx"}, {"权威发布", "qwfb"}, {"新闻发布会", "xwfbh"}, {"网上发布厅", "wsfbt"}, {"直播访谈", "zbft"}, {"视频", "sp"}, {"法治文化", "fzwh"}}},
		{"工作信息", "gzxx", [][2]string{{"工作报告", "gzbg"}, {"专项报告", "zxbg"}, {"落实审议意见报告", "lssyyjbg"}, {"最高检公报", "gjgb"}, {"白皮书", "bps"}, {"指导性案例", "jczdal"}, {"典型案例", "zgjdxal"}, {"通知公告", "tzgg1"}}},
		{"检察业务", "jcyw", [][2]string{{"普通犯罪检察", "zgjpufzjc"}, {"重大犯罪检察", "zgjzdfzjc"}, {"职务犯罪检察", "zgjzwfzjc"}, {"经济犯罪检察", "zgjjjfzjc"}, {"刑事执行检察", "jsjc"}, {"民事检察", "zgjmsjc"}, {"行政检察", "zgjxzjc"}, {"公益诉讼检察", "zgjgyssjc"}, {"未成年人检察", "wcnrjc"}, {"控告申诉检察", "zgjkgssjc"}, {"法律政策研究", "flzcyj"}, {"案件管理", "ajgl"}}},
		{"检察院建设", "jcyjs", [][2]string{{"思想政工", "sxzg"}, {"党的建设", "dj"}, {"检察文化", "jcwh"}, {"队伍建设", "dwjs"}, {"检务督察", "jwdc"}, {"检察技术", "jcjs"}, {"国际合作", "gjhz"}, {"检察理论", "jcll"}}},
		{"法律法规规范性文件", "flfgk", [][2]string{{"法律", "fl"}, {"司法解释", "sfjs"}, {"规范文件", "gfwj"}, {"司法解释清理", "sfjsql"}}},
		{"检察服务", "jcfw", [][2]string{{"12309中国检察网", "12309"}, {"网上信访", "wsxf"}, {"案件信息公开", "ajxxgk"}, {"律师服务", "lsfw"}, {"检察开放日", "jckfr"}, {"人民监督员", "rmjdy"}}},
		{"地方动态", "dfjcdt", [][2]string{{"地方动态", "dfjcdt"}, {"专题", "zt"}, {"重点推荐", "zdgz"}}},
	}
	for i, m := range menus {
		fmt.Fprintf(&h, "<li class=\"mainlevel\"><a href=\"https://www.spp.gov.cn/spp/%s/index.shtml\" target=\"_blank\" title=\"%s\">%s</a>\n<ul class=\"menushow subTit0%d\" style=\"width:1160px; padding:20px;\">\n", m.path, m.name, m.name, i+1)
		for _, sub := range m.subs {
			fmt.Fprintf(&h, "  <li>\n  <a href=\"https://www.spp.gov.cn/spp/%s/index.shtml\" target=\"_blank\" title=\"%s\">%s</a>\n  </li>\n", sub[1], sub[0], sub[0])
		}
		h.WriteString("</ul>\n</li>\n")
	}
	h.WriteString(`	</ul>
</nav>
<script type="text/javascript">
	$(function(){
		$("nav .mainlevel").hover(function(){ $(this).find("ul").stop(true,true).slideDown(200); }, function(){ $(this).find("ul").stop(true,true).slideUp(100); });
		var url = window.location.href;
		$("nav .mainlevel > a").each(function(){ if (url.indexOf($(this).attr("href").replace("index.shtml","")) == 0) { $(this).parent().addClass("on"); } });
	});
</script>
<!--头部   end-->
`)
	f.header = h.String()

	var ft strings.Builder
	ft.WriteString(`<div class="clear"></div>
<!--尾部   start-->
<div class="w1200 foot_pc">
	<div class="foot1">
		<div class="fl w90">相关链接：</div>
		<div class="fl xglj">
			<ul>
`)
	for _, l := range [][2]string{{"http://cpc.people.com.cn/", "中国共产党新闻网"}, {"http://www.npc.gov.cn/", "全国人大"}, {"http://www.gov.cn/", "中央政府"}, {"http://www.cppcc.gov.cn/", "全国政协"}, {"http://www.court.gov.cn/", "最高人民法院"}} {
		fmt.Fprintf(&ft, "\n\t\t\t\t<li><a href=\"%s\" target=\"_blank\"  >%s</a></li>\n", l[0], l[1])
	}
	ft.WriteString("\t\t\t</ul>\n\t\t</div>\n\t\t<div class=\"fr xglj\">\n")
	selects := []struct {
		name  string
		items [][2]string
	}{
		{"--相关机构--", [][2]string{{"http://www.chinapeace.gov.cn/", "中央政法委"}, {"http://www.ccdi.gov.cn/", "中央纪委国家监委"}, {"http://www.mps.gov.cn/n16/index.html", "公安部"}, {"http://www.mca.gov.cn/", "民政部"}, {"http://www.moj.gov.cn/", "司法部"}, {"http://www.mof.gov.cn/", "财政部"}, {"http://www.mnr.gov.cn/", "自然资源部"}, {"http://www.icac.org.hk/", "香港特区廉政公署"}, {"http://www.mp.gov.mo/", "澳门特区检察院"}}},
		{"--新闻媒体--", [][2]string{{"http://www.xinhuanet.com/", "新华网"}, {"http://www.people.com.cn/", "人民网"}, {"http://www.cctv.com/", "央视网"}, {"http://paper.people.com.cn/rmrb/", "人民日报"}, {"http://epaper.gmw.cn/gmrb/", "光明日报"}, {"http://epaper.legaldaily.com.cn/public/dianzhibao-2011.php", "法治日报"}, {"http://newspaper.jcrb.com/", "检察日报"}, {"http://epaper.cpd.com.cn/", "人民公安报"}, {"http://rmfyb.chinacourt.org/paper/html/node_2.htm", "人民法院报"}, {"http://www.jcrb.com/FYFZ/", "方圆"}, {"http://www.jcrb.com/rmjc/", "人民检察"}, {"http://www.gmw.cn/", "光明网"}, {"http://www.legaldaily.com.cn/", "法治网"}, {"http://www.jcrb.com/", "正义网"}, {"https://jjjcb.ccdi.gov.cn/epaper/", "中国纪检监察报"}, {"http://www.legalinfo.gov.cn/", "中国普法网"}}},
		{"--检察新媒体--", [][2]string{{"http://www.jcrb.com/xmtpd/index.html", "检察新媒体"}}},
		{"--地方检察院--", [][2]string{{"http://www.bjjc.gov.cn/", "北京"}, {"http://www.tj.jcy.gov.cn/", "天津"}, {"http://www.he.jcy.gov.cn/", "河北"}, {"http://www.sx.jcy.gov.cn/", "山西"}, {"http://www.nm.jcy.gov.cn/", "内蒙古"}, {"http://www.ln.jcy.gov.cn/", "辽宁"}, {"http://www.jl.jcy.gov.cn/", "吉林"}, {"http://www.hlj.jcy.gov.cn/", "黑龙江"}, {"http://www.sh.jcy.gov.cn/", "上海"}, {"http://www.js.jcy.gov.cn/", "江苏"}, {"http://www.zjjcy.gov.cn/", "浙江"}, {"http://www.ah.jcy.gov.cn/", "安徽"}, {"http://www.fj.jcy.gov.cn/", "福建"}, {"http://www.jx.jcy.gov.cn/", "江西"}, {"http://www.sdjcy.gov.cn/", "山东"}, {"http://www.ha.jcy.gov.cn/", "河南"}, {"http://www.hbjc.gov.cn/", "湖北"}, {"http://www.hn.jcy.gov.cn/", "湖南"}, {"http://www.gd.jcy.gov.cn/", "广东"}, {"http://www.gx.jcy.gov.cn/", "广西"}, {"http://www.hi.jcy.gov.cn/", "海南"}, {"http://www.cq.jcy.gov.cn/", "重庆"}, {"http://www.sc.jcy.gov.cn/", "四川"}, {"http://www.gz.jcy.gov.cn/", "贵州"}, {"http://www.yn.jcy.gov.cn/", "云南"}, {"http://www.xz.jcy.gov.cn/", "西藏"}, {"http://www.sn.jcy.gov.cn/", "陕西"}, {"http://www.gs.jcy.gov.cn/", "甘肃"}, {"http://www.qh.jcy.gov.cn/", "青海"}, {"http://www.nx.jcy.gov.cn/", "宁夏"}, {"http://www.xj.jcy.gov.cn/", "新疆"}}},
	}
	for _, sel := range selects {
		fmt.Fprintf(&ft, "\t\t\t<select name=\"%s\" class=\"k105\" onchange=\"javascript:window.open(this.options[this.selectedIndex].value);this.selectedIndex=0\">\n\t\t\t\t<option>%s</option>\n", sel.name, sel.name)
		for _, it := range sel.items {
			fmt.Fprintf(&ft, "\n\t\t\t\t\t\t <option value='%s'>%s</option>\n", it[0], it[1])
		}
		ft.WriteString("\t\t\t</select>\n")
	}
	ft.WriteString(`			<ul class="fr p15">
				<li><a href="http://newspaper.jcrb.com/" target="_blank"  >检察日报数字报</a></li>
				<li><a href="http://www.jcrb.com/" target="_blank"  >正义网</a></li>
			</ul>
		</div>
	</div>
	<div class="foot2">
		<div>
			<p>未经本网书面授权，请勿转载、摘编或建立镜像，否则视为侵权。</p>
			<p>为了获得更好的使用，建议使用谷歌浏览器(chrome)、360浏览器、IE11浏览器。</p>
		</div>
		<div style=" width:335px; height:80px; margin-left:auto; margin-right:auto;">
			<div style="position:relative; height: 100px; width: 216px; margin: 0 auto; margin-top:20px; float:left">
				<!--可信网站图片LOGO安装开始-->
				<div class="xkwztp" style="position:absolute;left:0px; top:0px; width:124px; float:left;">
				<script src="https://kxlogo.knet.cn/seallogo.dll?sn=e13090611010042335marl000000&amp;size=0"></script>
				</div>
				<!--可信网站图片LOGO安装结束-->
				<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='/spp/xhtml/js/CA330000000406725280001.js' ignoreapd='1' type='text/javascript'%3E%3C/script%3E"));</script>
			</div>
			<div style="width:111px; float:right; margin-top:20px;"><p><img src="/spp/c100403/2022-01/21/542321/images/aed6c411518a43d7ab22bca1bc51478b.jpg" border="0"></p></div>
		</div>
	</div>
</div>
<div class="w1200 foot_mobile">
	<p>Copyrights©最高人民检察院 All Rights Reserved.</p>
	<p>最高人民检察院 （100726）北京市东城区北河沿大街147号 010-65209114（查号台） 010-12309（检察服务热线）</p>
	<p><a href="https://beian.miit.gov.cn/" target="_blank">备案序号：京ICP备05026262号</a></p>
</div>
<script type="text/javascript">
	var _maq = _maq || [];
	_maq.push(['_setAccount', 'spp']);
	(function() {
		var ma = document.createElement('script'); ma.type = 'text/javascript'; ma.async = true;
		ma.src = ('https:' == document.location.protocol ? 'https://www' : 'http://www') + '.spp.gov.cn/spp/xhtml/js/ma.js';
		var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ma, s);
	})();
	function change(mode){ document.cookie = "viewmode=" + mode + ";path=/"; window.location.reload(); }
	function fontZoom(size){ document.getElementById('fontzoom').style.fontSize = size + 'px'; }
</script>
<!--尾部   end-->
`)
	f.footer = ft.String()
	return f
})
