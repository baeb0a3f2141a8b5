package web

import (
	"regexp"
	"strings"
	"testing"

	"sppcrawl"
)

func TestSafeBody(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p style="text-align: center">居中</p>`, `<p class="ta-c">居中</p>`},
		{`<p onclick="x()">段</p><script>alert(1)</script>`, `<p>段</p>`},
		{`<a href="javascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href=" JAVASCRIPT:alert(1)">x</a>`, `<a>x</a>`},
		{`<a href="https://www.spp.gov.cn/a.shtml">x</a>`, `<a href="https://www.spp.gov.cn/a.shtml" rel="noopener noreferrer nofollow">x</a>`},
		{`<img src="https://www.spp.gov.cn/i.jpg" alt="图">`, `<img src="/media/abc" loading="lazy" alt="图">`},
		{`<img src="https://www.spp.gov.cn/other.jpg">`, `<a class="img-missing" href="https://www.spp.gov.cn/other.jpg" rel="noopener noreferrer nofollow">[图片，未存档]</a>`},
		{`<img src="data:image/svg+xml,x" alt="a">`, `<span class="img-missing">[图片：a，未存档]</span>`},
		{`<td colspan="2" rowspan="x">1</td>`, `<td colspan="2">1</td>`},
		{`<td rowspan="1000" colspan="123456">1</td>`, `<td rowspan="1000">1</td>`},
		{`<select><option>选项</option></select><canvas>画布</canvas>尾`, `尾`},
		{`<p style="TEXT-ALIGN : Right">右</p><p style="x:text-align:center">不</p>`, `<p class="ta-r">右</p><p>不</p>`},
		{`<img src="mailto:a@example.com" alt="m">`, `<span class="img-missing">[图片：m，未存档]</span>`},
		{`<div><span>文字</span></div><style>p{}</style>`, `文字`},
		{`<svg><script>alert(1)</script><text>t</text></svg>尾`, `尾`},
		{`1 &lt; 2 &amp; "引"`, `1 &lt; 2 &amp; &#34;引&#34;`},
	} {
		a := &sppcrawl.Article{BodyHTML: tc.in, Images: []sppcrawl.Image{{URL: "https://www.spp.gov.cn/i.jpg", Media: sppcrawl.Media{SHA256: "abc"}}}}
		if got := string(safeBody(a)); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// Whatever the stored body holds, what the page gets has no script, no
// event handler, no style attribute and no URL of another scheme.
func FuzzSafeBody(f *testing.F) {
	for _, s := range []string{`<p onclick=x>a</p>`, `<a href="javascript:x">`, `<img src=x onerror=y>`, `<scr<script>ipt>`,
		`<svg/onload=x>`, `<a href="jav&#x09;ascript:x">`, `<iframe srcdoc="<script>">`, `<p style="x:expression(y)">`} {
		f.Add(s)
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	attr := regexp.MustCompile(`\s(on\w+|style|srcdoc|formaction)\s*=`)
	allowed := regexp.MustCompile(`^</?(p|br|strong|b|em|i|u|h[1-6]|ul|ol|li|table|thead|tbody|tfoot|tr|td|th|caption|img|a|span|blockquote|figure|figcaption)[\s>]`)
	f.Fuzz(func(t *testing.T, in string) {
		out := string(safeBody(&sppcrawl.Article{BodyHTML: in}))
		// Text may say anything (it is escaped); the tags are what a
		// browser acts on.
		for _, tg := range tag.FindAllString(out, -1) {
			low := strings.ToLower(tg)
			if !allowed.MatchString(low) || attr.MatchString(low) {
				t.Fatalf("%q → %q: tag %s", in, out, tg)
			}
			for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
				if strings.Contains(low, bad) {
					t.Fatalf("%q → %q: %s in %s", in, out, bad, tg)
				}
			}
		}
	})
}
