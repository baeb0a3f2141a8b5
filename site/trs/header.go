package trs

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sppcrawl/extract"
)

// fieldRE finds the labels of an article's info line; the labels that name
// no field (字号, 浏览次数, …) only end the value before them.
var fieldRE = regexp.MustCompile(`(发布时间|发布日期|时间|日期|新闻来源|文章来源|稿件来源|信息来源|来源|供稿单位|供稿|责任编辑|编辑|作者|撰稿人|撰稿|审核|字号|字体|浏览次数|阅读次数|点击数|点击|浏览|分享)\s*[：:]`)

// fieldLabel maps a label to the field it names; "" for the others.
var fieldLabel = map[string]string{
	"发布时间": "时间", "发布日期": "时间", "时间": "时间", "日期": "时间",
	"新闻来源": "来源", "文章来源": "来源", "稿件来源": "来源", "信息来源": "来源", "来源": "来源",
	"供稿单位": "来源", "供稿": "来源",
	"责任编辑": "编辑", "编辑": "编辑", "作者": "作者", "撰稿人": "作者", "撰稿": "作者",
	"审核": "", "字号": "", "字体": "", "浏览次数": "", "阅读次数": "", "点击数": "", "点击": "", "浏览": "", "分享": "",
}

// infoLine splits the lines of an info block into field → value (the
// first of each).
var infoLine = extract.InfoLine{Labels: fieldRE, Fields: fieldLabel, Trim: "【】[]|｜()（）"}

// crumbMarks open a breadcrumb's text; crumbSeps part its items.
var (
	crumbMarks = []string{"当前位置", "您的位置", "您现在的位置", "现在的位置", "所在位置", "所在的位置"}
	crumbSepRE = regexp.MustCompile(`\s*(?:>>|>|»|＞|→|/)\s*`)
)

// breadcrumbLast is the last item of the page's breadcrumb ("当前位置:
// 首页>>检务公开>>公告公示" → 公告公示), "" without one; an item naming the
// page itself (正文) is not a channel.
func breadcrumbLast(doc *goquery.Document) string {
	n := crumbNode(doc)
	if n == nil {
		return ""
	}
	items := crumbItems(n)
	for i := len(items) - 1; i >= 0; i-- {
		switch it := items[i]; it {
		case "正文", "详情", "内容", "详细内容", "浏览文章":
		default:
			return it
		}
	}
	return ""
}

// crumbItems are a breadcrumb's items: each link's text, and the text
// between them split at the separators (which may also be images).
func crumbItems(n *html.Node) []string {
	var items []string
	walk(n, func(c *html.Node) bool {
		switch {
		case c.Type == html.ElementNode && c.DataAtom == atom.A:
			if t := extract.NormalizeText(textOf(c)); t != "" {
				items = append(items, t)
			}
			return false
		case c.Type == html.TextNode:
			t := c.Data
			for _, m := range crumbMarks {
				if _, after, ok := strings.Cut(t, m); ok {
					t = after
				}
			}
			for _, it := range crumbSepRE.Split(t, -1) {
				if it = strings.Trim(extract.NormalizeText(it), " :：>"); it != "" {
					items = append(items, it)
				}
			}
		}
		return c.Type != html.ElementNode || (c.DataAtom != atom.Script && c.DataAtom != atom.Style)
	})
	return items
}

// crumbNode is the smallest element holding a breadcrumb mark and an item
// after it.
func crumbNode(doc *goquery.Document) *html.Node {
	var found *html.Node
	doc.Find("body").Each(func(_ int, b *goquery.Selection) {
		walk(b.Get(0), func(n *html.Node) bool {
			if found != nil {
				return false
			}
			if n.Type == html.TextNode && hasCrumbMark(n.Data) {
				found = crumbAncestor(n)
			}
			return n.Type != html.ElementNode || (n.DataAtom != atom.Script && n.DataAtom != atom.Style)
		})
	})
	return found
}

func hasCrumbMark(s string) bool {
	for _, m := range crumbMarks {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// crumbAncestor climbs from the mark's text to the element that also holds
// the breadcrumb's items (the mark may sit in a span of its own).
func crumbAncestor(t *html.Node) *html.Node {
	n := t.Parent
	for i := 0; i < 4 && n != nil; i++ {
		if hasLink(n) || crumbSepRE.MatchString(textOf(n)) {
			return n
		}
		n = n.Parent
	}
	return nil
}

// walk visits n and its descendants in document order; visit returns
// whether to enter a node's children.
func walk(n *html.Node, visit func(*html.Node) bool) {
	if !visit(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

// textOf is the text under n, scripts and styles left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return c.Type != html.ElementNode || (c.DataAtom != atom.Script && c.DataAtom != atom.Style)
	})
	return b.String()
}

func hasLink(n *html.Node) bool {
	found := false
	walk(n, func(c *html.Node) bool {
		found = found || c.Type == html.ElementNode && c.DataAtom == atom.A
		return !found
	})
	return found
}
