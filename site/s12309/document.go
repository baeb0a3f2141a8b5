package s12309

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"sppcrawl"
)

var (
	// numberRE is a document's 文号 or a case's 案号, in any of the
	// brackets the sites use: 七新检刑诉〔2024〕74号.
	numberRE = regexp.MustCompile(`[\p{Han}A-Za-z0-9]*[〔\[【［]\s*\d{4}\s*[〕\]】］]\s*[\p{Han}A-Za-z0-9\-]*?\d+\s*号`)
	// signedRE is a date written out; the last one of a document is its
	// signature's (redacted dates, **月**日, are not dates).
	signedRE = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
)

// document is what the text of a case document states: its kind, 文号,
// procuratorate, region and signature date.
func document(a *sppcrawl.Article, k kind, rec record) *sppcrawl.Document {
	d := &sppcrawl.Document{Kind: k.Name, Region: region(a.URL, rec)}
	text := append([]string{a.Title}, a.Paragraphs...)
	for _, p := range text {
		if m := numberRE.FindString(p); m != "" {
			d.Number = m
			break
		}
	}
	d.Procuratorate = procuratorate(a)
	if k.Name == caseInfo {
		return d // an announcement, not a signed document
	}
	for i := len(a.Paragraphs) - 1; i >= 0 && d.Signed == ""; i-- {
		ms := signedRE.FindAllStringSubmatch(a.Paragraphs[i], -1)
		if len(ms) > 0 {
			d.Signed = isoDate(ms[len(ms)-1])
		}
	}
	return d
}

func isoDate(m []string) string {
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 || day < 1 || day > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, day)
}

// procuratorate is the issuer a document opens with (a line ending in
// 检察院), else the page's 来源 when it is one.
func procuratorate(a *sppcrawl.Article) string {
	for i, p := range a.Paragraphs {
		if i == 5 {
			break
		}
		if strings.HasSuffix(p, "检察院") && utf8.RuneCountInString(p) <= 40 {
			return p
		}
	}
	if strings.HasSuffix(a.Source, "检察院") {
		return a.Source
	}
	return ""
}

// region is the record's channelWebPath, else the region folders of the
// detail URL: /12309/gj/hlj/qth/zjxflws/202412/t… is /gj/hlj/qth.
func region(u string, rec record) string {
	if r := strings.TrimSpace(rec.ChannelWebPath); strings.HasPrefix(r, "/gj") {
		return r
	}
	_, p, ok := strings.Cut(u, "://"+Host)
	if !ok {
		return ""
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) < 4 || segs[0] != "12309" || segs[1] != "gj" {
		return ""
	}
	// …/{kind}/{yyyymm}/t….shtml: the region ends before the kind.
	return "/" + strings.Join(segs[1:len(segs)-3], "/")
}

// kindOfPage is the kind of a page listed by no record: the kind its
// title or opening lines name, else 重要案件信息's for its template, else
// 其他法律文书.
func kindOfPage(p *page, a *sppcrawl.Article) kind {
	// Longest names first: 不起诉决定书 before 起诉书.
	names := []string{"刑事申诉结果通知书", "不起诉决定书", "其他法律文书", "起诉书", "抗诉书"}
	lines := append([]string{a.Title}, a.Paragraphs[:min(5, len(a.Paragraphs))]...)
	for _, l := range lines {
		for _, n := range names {
			if strings.Contains(strings.ReplaceAll(l, " ", ""), n) {
				k, _ := kindNamed(n)
				return k
			}
		}
	}
	if p.box != nil && p.box.Data == "div" && hasID(p.box, "fontzoom") {
		return kinds[0]
	}
	k, _ := kindNamed("其他法律文书")
	return k
}

func hasID(n *html.Node, id string) bool {
	for _, a := range n.Attr {
		if a.Key == "id" && a.Val == id {
			return true
		}
	}
	return false
}
