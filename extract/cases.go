package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"sppcrawl"
)

var (
	numberRE   = regexp.MustCompile(`^[（(]?\s*(检例第\s*\d+\s*号)\s*[）)]?$`)
	inNumberRE = regexp.MustCompile(`\s*[（(]\s*(检例第\s*\d+\s*号)\s*[）)]\s*$`)
	// Markers that number the cases of a typical-case page: 案例一：, 案例1.,
	// （一）, 一、, 1.
	caseMarkerRE = regexp.MustCompile(`^(?:案例\s*[一二三四五六七八九十百\d]+\s*[：:、.．]?|[（(][一二三四五六七八九十百\d]+[）)]\s*|[一二三四五六七八九十百]+\s*[、.．]|\d+\s*[、.．])\s*`)
	keywordSep   = regexp.MustCompile(`[\s、，,]+`)
	semicolons   = regexp.MustCompile(`\s*[；;]\s*`)
	// strongMarkerRE: a line that can only be a case's title (案例二：…).
	strongMarkerRE = regexp.MustCompile(`^案例\s*[一二三四五六七八九十百\d]+`)
)

// headingOf reads a paragraph that opens a case section: 【要旨】, with the
// text that may follow on the same line. (A byte scan: it runs on every
// paragraph of every article.)
func headingOf(p string) (heading, rest string, ok bool) {
	const open, close = "【", "】"
	if !strings.HasPrefix(p, open) {
		return "", "", false
	}
	end := strings.Index(p, close)
	if end < 0 {
		return "", "", false
	}
	h := strings.TrimSpace(p[len(open):end])
	if h == "" || strings.Contains(h, open) || utf8.RuneCountInString(h) > 20 {
		return "", "", false
	}
	return h, strings.TrimSpace(p[end+len(close):]), true
}

// caseHeadings are the section headings of a case, as the site's guiding
// and typical cases write them. A word in 【】 that is not one (a speaker of
// a press conference's transcript: 【主持人】, 【记者】) never opens or
// continues a case.
var caseHeadings = map[string]bool{
	"关键词": true, "要旨": true, "基本案情": true, "简要案情": true, "案情简介": true, "案件事实": true,
	"检察机关履职过程": true, "检察机关履职情况": true, "检察履职情况": true, "履职过程": true, "履职情况": true,
	"诉讼过程": true, "办案过程": true, "处理结果": true, "裁判结果": true, "办理结果": true, "案件结果": true,
	"指导意义": true, "典型意义": true, "示范意义": true, "相关规定": true, "法律依据": true, "相关法律规定": true,
	"案例评析": true, "评析意见": true, "工作成效": true, "办案成效": true, "检察建议": true,
}

// IsCaseHeading reports whether h (without its brackets) heads a section of
// a case.
func IsCaseHeading(h string) bool { return caseHeadings[h] }

// speakerRE: a line of a transcript, which ends a case: a speaker's label
// in 【】 or before a colon (主持人：, 人民日报记者：, 答：).
var speakerRE = regexp.MustCompile(`^(?:【\s*)?(?:主持人|[\p{Han}A-Za-z]{0,12}记者|发布人|新闻发言人|发言人|提问|问|答)\s*(?:】|[：:])`)

// findCases reads the cases of a body from its paragraphs: a case is a title
// line (with its 检例 number on the next line or at its end, or a typical
// case's marker: 案例N, （N）) followed by sections under the headings of a
// case (caseHeadings). A case begins where a heading comes again that the
// current case already had, with 【关键词】, or after a line that can only
// be a case title (案例二：…); the one or two lines before that heading are
// the new case's title and number. Paragraphs before the first case (the
// notice) belong to no case; a speaker's line of a transcript ends a case,
// and what follows belongs to none until the next. Only cases with a title,
// a number or marker, and a section under a case heading are kept: where
// this cannot decide, the page has no cases (a false case pollutes every
// list; a missing one is still found by search). nil when none.
func findCases(ps []string) []sppcrawl.Case {
	var b caseBuilder
	for i := 0; i < len(ps); i++ {
		h, rest, ok := headingOf(ps[i])
		switch {
		case speakerRE.MatchString(ps[i]):
			b.end()
		case !ok || !caseHeadings[h]:
			b.text(ps[i])
		case h == "关键词":
			b.open(ps, i, h)
			i = b.keywords(ps, i, rest)
		default:
			b.open(ps, i, h)
			b.section(h, rest)
		}
	}
	return b.kept()
}

// caseBuilder is findCases under way.
type caseBuilder struct {
	cases  []sppcrawl.Case
	marked []bool // per case: its title carried a marker or a number
	cur    *sppcrawl.Case
	seen   map[string]bool
}

// text adds an ordinary paragraph to the current section, if any.
func (b *caseBuilder) text(p string) {
	if b.cur != nil && len(b.cur.Sections) > 0 {
		s := &b.cur.Sections[len(b.cur.Sections)-1]
		s.Paragraphs = append(s.Paragraphs, p)
	}
}

// end ends the current case: a transcript goes on.
func (b *caseBuilder) end() { b.cur = nil }

// open begins a new case at the heading ps[i] when it must: no case under
// way, a heading the case already had, 【关键词】, or a line before it that
// can only be a case's title. The title (and number) are taken back from
// the section, or the paragraphs, that held them as text.
func (b *caseBuilder) open(ps []string, i int, h string) {
	if b.cur != nil && !b.seen[h] && h != "关键词" && !(i > 0 && strongMarkerRE.MatchString(ps[i-1])) {
		return
	}
	c := sppcrawl.Case{Keywords: []string{}, Sections: []sppcrawl.Section{}}
	var from []string
	if b.cur != nil && len(b.cur.Sections) > 0 {
		from = b.cur.Sections[len(b.cur.Sections)-1].Paragraphs
	} else if i > 0 {
		from = ps[:i]
	}
	marked := false
	if n := len(from); n > 0 {
		if m := numberRE.FindStringSubmatch(from[n-1]); m != nil && n > 1 {
			c.Number, from, marked = compact(m[1]), from[:n-1], true
		}
	}
	if n := len(from); n > 0 {
		c.Title, from = from[n-1], from[:n-1]
		if m := inNumberRE.FindStringSubmatchIndex(c.Title); m != nil && c.Number == "" {
			c.Number, c.Title, marked = compact(c.Title[m[2]:m[3]]), c.Title[:m[0]], true
		}
		if caseMarkerRE.MatchString(c.Title) {
			marked = true
		}
		c.Title = caseTitle(c.Title)
	}
	if b.cur != nil && len(b.cur.Sections) > 0 {
		b.cur.Sections[len(b.cur.Sections)-1].Paragraphs = from
	}
	b.cases = append(b.cases, c)
	b.marked = append(b.marked, marked)
	b.cur = &b.cases[len(b.cases)-1]
	b.seen = map[string]bool{}
}

// keywords reads 【关键词】's words, on its line or the next ones up to the
// next heading, and returns the index of the last paragraph it read.
func (b *caseBuilder) keywords(ps []string, i int, rest string) int {
	b.seen["关键词"] = true
	words := rest
	for i+1 < len(ps) {
		if _, _, next := headingOf(ps[i+1]); next || speakerRE.MatchString(ps[i+1]) {
			break
		}
		i++
		words += " " + ps[i]
	}
	sep := keywordSep
	if strings.ContainsAny(words, "；;") {
		sep = semicolons // then 、 joins the parts of one keyword (掩饰、隐瞒犯罪所得)
	}
	for _, w := range sep.Split(strings.TrimSpace(words), -1) {
		if w = strings.TrimSpace(w); w != "" {
			b.cur.Keywords = append(b.cur.Keywords, w)
		}
	}
	return i
}

// section begins a section of the current case.
func (b *caseBuilder) section(h, rest string) {
	b.seen[h] = true
	s := sppcrawl.Section{Heading: h, Paragraphs: []string{}}
	if rest != "" {
		s.Paragraphs = append(s.Paragraphs, rest)
	}
	b.cur.Sections = append(b.cur.Sections, s)
}

// kept is the cases that are cases beyond doubt.
func (b *caseBuilder) kept() []sppcrawl.Case {
	var out []sppcrawl.Case
	for i, c := range b.cases {
		if c.Title != "" && (b.marked[i] || c.Number != "") && len(c.Sections) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// caseTitle is a title line without the marker that numbers it on a
// typical-case page (案例一：, （一）, 一、).
func caseTitle(t string) string {
	if loc := caseMarkerRE.FindStringIndex(t); loc != nil && loc[1] < len(t) {
		t = t[loc[1]:]
	}
	return strings.TrimSpace(t)
}

func compact(s string) string { return strings.Join(strings.Fields(s), "") }

var (
	docNumberRE = regexp.MustCompile(`^[（(]?\s*([\p{Han}A-Za-z]{1,12}[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*\d+\s*号)\s*[）)]?$`)
	adoptedRE   = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*([^，,、；;（(）)]*?(?:会议|委员会))\s*(?:通过|审议通过)`)
	effectiveRE = regexp.MustCompile(`自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*(?:施行|实施|执行|生效)`)
)

// docHead is how many paragraphs at the top of a body may state a
// document's number and dates.
const docHead = 8

// findDocument reads a document's number and dates from the first
// paragraphs of its body; nil when none of them is a document number. When
// several bodies adopted it (a joint interpretation), the adoption by the
// Procuratorate is the one given.
func findDocument(ps []string) *sppcrawl.Document {
	head := ps[:min(len(ps), docHead)]
	var d *sppcrawl.Document
	for _, p := range head {
		if m := docNumberRE.FindStringSubmatch(p); m != nil {
			d = &sppcrawl.Document{Number: strings.NewReplacer(" ", "", "[", "〔", "]", "〕", "［", "〔", "］", "〕").Replace(m[1])}
			break
		}
	}
	if d == nil {
		return nil
	}
	for _, p := range head {
		for _, m := range adoptedRE.FindAllStringSubmatch(p, -1) {
			if d.Adopted == "" || strings.Contains(m[4], "检察") && !strings.Contains(d.AdoptedBy, "检察") {
				d.Adopted, d.AdoptedBy = isoDate(m[1], m[2], m[3]), strings.TrimSpace(m[4])
			}
		}
		if m := effectiveRE.FindStringSubmatch(p); m != nil && d.Effective == "" {
			d.Effective = isoDate(m[1], m[2], m[3])
		}
	}
	return d
}

func isoDate(y, m, d string) string {
	t, ok := sppcrawl.ParseDate(y + "-" + m + "-" + d)
	if !ok {
		return ""
	}
	return t.Format("2006-01-02")
}
