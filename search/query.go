package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a query.
const (
	MaxQueryChars = 256
	MaxTerms      = 16
)

// fieldNames are the prefixes a term may carry (title:受贿), and the
// columns each looks in.
var fieldNames = map[string]string{
	"title":    "title",
	"kicker":   "kicker",
	"subtitle": "subtitle",
	"body":     "body",
	"number":   "number",
	"keyword":  "keyword",
	"source":   "source",
	"author":   "author",
}

// Term is one string to find, as Ctrl-F finds it.
type Term struct {
	Field  string `json:"field,omitempty"` // a column, "" for title, kicker, subtitle or body
	Text   string `json:"text"`            // as typed
	folded string
}

// Clause is terms of which one must occur (A OR B), or, negated, none.
type Clause struct {
	Not   bool   `json:"not,omitempty"`
	Terms []Term `json:"terms"`
}

// Query is clauses that must all hold, in the sites it names (site:, any
// of them; none: every site).
type Query struct {
	Clauses []Clause `json:"clauses"`
	Sites   Sites    `json:"sites,omitempty"`
}

// ParseQuery reads the query language: terms separated by white space,
// all of which must occur; "quoted text" is one term, spaces kept; \" is a
// quote to find and \\ a backslash (in quotes or not); A OR B;
// -term excludes; title:, body:, number:, keyword:, source:, author: (and
// kicker:, subtitle:) name the field; site:KEY or site:HOST keeps the
// articles of that site (several: of any of them), a filter, not a term.
// Nothing else is syntax: brackets,
// asterisks, colons after other words are text.
func ParseQuery(q string) (Query, error) {
	if !utf8.ValidString(q) {
		return Query{}, badQuery("the query is not UTF-8 text", "查询不是 UTF-8 文本")
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryChars {
		return Query{}, badQuery("the query has %d characters, at most %d", "查询有 %d 个字符，最多 %d 个", n, MaxQueryChars)
	}
	words, err := splitWords(q)
	if err != nil {
		return Query{}, err
	}
	return build(words)
}

// word is one white-space-separated piece of the query: its text with the
// quotes taken out, whether any of it was quoted (a quoted OR, - or
// prefix is text), and its position (1-based, in characters).
type word struct {
	text     string
	quoted   bool
	pos      int
	rawStart string // its first characters as typed, for - and field:
}

// splitWords splits q at white space outside double quotes.
func splitWords(q string) ([]word, error) {
	var out []word
	var cur strings.Builder
	var w word
	inQuote, quoteAt, pos, started := false, 0, 0, false
	flush := func() {
		if started {
			w.text = cur.String()
			out = append(out, w)
		}
		cur.Reset()
		w, started = word{}, false
	}
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		pos++
		switch {
		case r == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\'):
			// \" is a quote to find, \\ a backslash: text, never syntax.
			if !started {
				w.pos, started = pos, true
			}
			i++
			pos++
			cur.WriteRune(rs[i])
		case r == '"':
			if !started {
				w.pos, started = pos, true
			}
			if !inQuote && w.rawStart == "" {
				w.rawStart = cur.String()
			}
			inQuote, w.quoted = !inQuote, true
			quoteAt = pos
		case unicode.IsSpace(r) && !inQuote:
			flush()
		case unicode.IsSpace(r):
			if !started {
				w.pos, started = pos, true
			}
			cur.WriteRune(' ') // a line break or tab pasted inside quotes is a space
		case unicode.IsControl(r):
			// No text holds one (extraction drops them): it would only ever
			// be searched for as something else.
			return nil, badQuery("character %d is a control character (%U), not text", "第 %d 个字符是控制字符（%U），不是文字", pos, r)
		default:
			if !started {
				w.pos, started = pos, true
			}
			cur.WriteRune(r)
		}
	}
	if inQuote {
		return nil, badQuery("the quote at character %d is not closed", "第 %d 个字符处的引号没有闭合", quoteAt)
	}
	flush()
	return out, nil
}

// build turns words into clauses.
func build(words []word) (Query, error) {
	var q Query
	nTerms := 0
	for i := 0; i < len(words); i++ {
		w := words[i]
		if ok, err := q.addSite(w, words[i+1:]); ok || err != nil {
			if err != nil {
				return Query{}, err
			}
			continue
		}
		if isOR(w) {
			return Query{}, badQuery("OR at character %d joins nothing before it", "第 %d 个字符处的 OR 前面没有词", w.pos)
		}
		t, not, err := termOf(w)
		if err != nil {
			return Query{}, err
		}
		c := Clause{Not: not, Terms: []Term{t}}
		for i+1 < len(words) && isOR(words[i+1]) {
			if i+2 >= len(words) {
				return Query{}, badQuery("OR at character %d joins nothing after it", "第 %d 个字符处的 OR 后面没有词", words[i+1].pos)
			}
			next := words[i+2]
			if _, isSite := siteName(next); isSite {
				return Query{}, badQuery("OR at character %d joins a site: a filter, not a term (site:a site:b keeps either)", "第 %d 个字符处的 OR 连接了 site:，它是筛选条件，不是词（site:a site:b 表示其中任一站点）", words[i+1].pos)
			}
			t, n, err := termOf(next)
			if err != nil {
				return Query{}, err
			}
			if c.Not || n || isOR(next) {
				return Query{}, badQuery("OR at character %d must join two terms to find, not an excluded one", "第 %d 个字符处的 OR 须连接两个要找的词，不能连接排除的词（-词）", words[i+1].pos)
			}
			c.Terms = append(c.Terms, t)
			i += 2
		}
		nTerms += len(c.Terms)
		q.Clauses = append(q.Clauses, c)
	}
	switch {
	case nTerms == 0 && len(q.Sites) > 0:
		return Query{}, badQuery("the query names only sites: it needs a term to find", "查询只有站点（site:）：至少要有一个要找的词")
	case nTerms == 0:
		return Query{}, badQuery("the query is empty", "查询是空的")
	case nTerms > MaxTerms:
		return Query{}, badQuery("the query has %d terms, at most %d", "查询有 %d 个词，最多 %d 个", nTerms, MaxTerms)
	}
	for _, c := range q.Clauses {
		if !c.Not {
			return q, nil
		}
	}
	return Query{}, badQuery("the query only excludes (-term): it needs a term to find", "查询只有排除的词（-词）：至少要有一个要找的词")
}

func isOR(w word) bool { return !w.quoted && w.text == "OR" }

// siteName is the name of a site: word (outside quotes, - allowed in front
// to be refused), and whether the word is one.
func siteName(w word) (string, bool) {
	lead := w.text
	if w.quoted {
		lead = w.rawStart
	}
	if !strings.HasPrefix(strings.TrimPrefix(lead, "-"), "site:") {
		return "", false
	}
	// The text starts with what was typed before any quote.
	return strings.TrimPrefix(strings.TrimPrefix(w.text, "-"), "site:"), true
}

// addSite takes a site: word into the query's sites: whether w was one.
// It excludes nothing and joins no OR: it says where to look.
func (q *Query) addSite(w word, after []word) (bool, error) {
	name, ok := siteName(w)
	switch {
	case !ok:
		return false, nil
	case strings.HasPrefix(w.text, "-"):
		return true, badQuery("-site: at character %d: a site cannot be excluded; name the sites to search (site:a site:b)", "第 %d 个字符处的 -site:：不能排除站点，请写出要搜索的站点（site:a site:b）", w.pos)
	case len(after) > 0 && isOR(after[0]):
		return true, badQuery("OR at character %d joins a site: a filter, not a term (site:a site:b keeps either)", "第 %d 个字符处的 OR 连接了 site:，它是筛选条件，不是词（site:a site:b 表示其中任一站点）", after[0].pos)
	}
	s, err := ParseSites(name)
	if err == nil && len(s) == 0 {
		err = badQuery("site: at character %d names no site", "第 %d 个字符处的 site: 没有写站点", w.pos)
	}
	if err != nil {
		return true, err
	}
	q.Sites, _ = ParseSites(append(q.Sites, s...)...)
	return true, nil
}

// termOf reads a word's - and field prefix (outside quotes only) and folds
// its text.
func termOf(w word) (Term, bool, error) {
	text, lead := w.text, w.text
	if w.quoted {
		lead = w.rawStart
	}
	not := false
	if strings.HasPrefix(lead, "-") && len(text) > 1 {
		not, text, lead = true, text[1:], lead[1:]
	}
	field := ""
	if i := strings.IndexByte(lead, ':'); i > 0 {
		if col, ok := fieldNames[lead[:i]]; ok {
			field, text = col, text[i+1:]
		}
	}
	t := Term{Field: field, Text: text, folded: foldString(text)}
	if t.folded == "" {
		return Term{}, false, badQuery("the term at character %d is empty", "第 %d 个字符处的词是空的", w.pos)
	}
	return t, not, nil
}

// looksIn says whether the term looks in column col: its field's, or
// without one the first four (title, kicker, subtitle, body).
func (t Term) looksIn(col int) bool {
	if t.Field == "" {
		return col < 4
	}
	return t.Field == columns[col]
}

// short says whether the term is looked up in the short-term table: a
// trigram index finds nothing of fewer than three characters.
func (t Term) short() bool { return utf8.RuneCountInString(t.folded) < 3 }

// fts is the term as an FTS5 expression of its table, never the engine's
// syntax: in the trigram table a column filter and one string; in the
// short-term table the tokens of the columns it looks in.
func (t Term) fts() string {
	if !t.short() {
		cols := defaultColumns
		if t.Field != "" {
			cols = t.Field
		}
		return cols + " : " + quoteFTS(t.folded)
	}
	r := []rune(t.folded)
	var toks []string
	for col := range columns {
		if t.looksIn(col) {
			toks = append(toks, quoteFTS(gramToken(col, r)))
		}
	}
	return "(" + strings.Join(toks, " OR ") + ")"
}

// String writes the query back in its own language.
func (q Query) String() string {
	var parts []string
	for _, c := range q.Clauses {
		var ts []string
		for _, t := range c.Terms {
			s := escapeText.Replace(t.Text)
			if needsQuotes(s) {
				s = `"` + s + `"`
			}
			if t.Field != "" {
				s = t.Field + ":" + s
			}
			ts = append(ts, s)
		}
		s := strings.Join(ts, " OR ")
		if c.Not {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	for _, s := range q.Sites {
		parts = append(parts, "site:"+s)
	}
	return strings.Join(parts, " ")
}

// needsQuotes says whether text written bare would read as something else:
// two terms, OR, an exclusion or a field.
func needsQuotes(s string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) || s == "OR" || len(s) > 1 && s[0] == '-' {
		return true
	}
	i := strings.IndexByte(s, ':')
	_, field := fieldNames[s[:max(i, 0)]]
	return i > 0 && (field || s[:i] == "site")
}

// escapeText writes a term's quotes and backslashes as the query language
// reads them as text.
var escapeText = strings.NewReplacer(`\`, `\\`, `"`, `\"`)
