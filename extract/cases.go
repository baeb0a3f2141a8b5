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

// findCases reads the cases of a body from its paragraphs: a case is a title
// line (with its 检例 number on the next line or at its end), then sections
// under 【…】 headings. A case begins where a heading comes again that the
// current case already had, with 【关键词】, or after a line that can only
// be a case title (案例二：…); the one or two lines before that heading are
// the new case's title and number. Paragraphs before the
// first case (the notice) belong to no case. nil when the body has no case
// sections.
func findCases(ps []string) []sppcrawl.Case {
	var cases []sppcrawl.Case
	var cur *sppcrawl.Case
	seen := map[string]bool{}
	for i := 0; i < len(ps); i++ {
		h, rest, ok := headingOf(ps[i])
		if !ok {
			if cur != nil && len(cur.Sections) > 0 {
				s := &cur.Sections[len(cur.Sections)-1]
				s.Paragraphs = append(s.Paragraphs, ps[i])
			}
			continue
		}
		if cur == nil || seen[h] || h == "关键词" || i > 0 && strongMarkerRE.MatchString(ps[i-1]) {
			// A new case: take its title (and number) back from the
			// section that took them as text.
			c := sppcrawl.Case{Keywords: []string{}, Sections: []sppcrawl.Section{}}
			var from []string
			if cur != nil && len(cur.Sections) > 0 {
				from = cur.Sections[len(cur.Sections)-1].Paragraphs
			} else if i > 0 {
				from = ps[:i]
			}
			if n := len(from); n > 0 {
				if m := numberRE.FindStringSubmatch(from[n-1]); m != nil && n > 1 {
					c.Number, from = compact(m[1]), from[:n-1]
				}
			}
			if n := len(from); n > 0 {
				c.Title, from = from[n-1], from[:n-1]
				if m := inNumberRE.FindStringSubmatchIndex(c.Title); m != nil && c.Number == "" {
					c.Number, c.Title = compact(c.Title[m[2]:m[3]]), c.Title[:m[0]]
				}
				c.Title = caseTitle(c.Title)
			}
			if cur != nil && len(cur.Sections) > 0 {
				cur.Sections[len(cur.Sections)-1].Paragraphs = from
			}
			cases = append(cases, c)
			cur = &cases[len(cases)-1]
			seen = map[string]bool{}
		}
		seen[h] = true
		if h == "关键词" {
			// The words follow on the same line or the next ones, up to the
			// next heading.
			words := rest
			for i+1 < len(ps) {
				if _, _, next := headingOf(ps[i+1]); next {
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
				w = strings.TrimSpace(w)
				if w != "" {
					cur.Keywords = append(cur.Keywords, w)
				}
			}
			continue
		}
		s := sppcrawl.Section{Heading: h, Paragraphs: []string{}}
		if rest != "" {
			s.Paragraphs = append(s.Paragraphs, rest)
		}
		cur.Sections = append(cur.Sections, s)
	}
	return cases
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
