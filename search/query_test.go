package search_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"sppcrawl/search"
)

func TestParseQuery(t *testing.T) {
	term := func(field, text string) search.Term { return search.Term{Field: field, Text: text} }
	for _, tc := range []struct {
		q    string
		want []search.Clause
	}{
		{"受贿", []search.Clause{{Terms: []search.Term{term("", "受贿")}}}},
		{"受贿  贪污", []search.Clause{{Terms: []search.Term{term("", "受贿")}}, {Terms: []search.Term{term("", "贪污")}}}},
		{`"认罪 认罚"`, []search.Clause{{Terms: []search.Term{term("", "认罪 认罚")}}}},
		{"A OR B c", []search.Clause{{Terms: []search.Term{term("", "A"), term("", "B")}}, {Terms: []search.Term{term("", "c")}}}},
		{"a or b", []search.Clause{{Terms: []search.Term{term("", "a")}}, {Terms: []search.Term{term("", "or")}}, {Terms: []search.Term{term("", "b")}}}},
		{`a "OR" b`, []search.Clause{{Terms: []search.Term{term("", "a")}}, {Terms: []search.Term{term("", "OR")}}, {Terms: []search.Term{term("", "b")}}}},
		{"罪 -贪污", []search.Clause{{Terms: []search.Term{term("", "罪")}}, {Not: true, Terms: []search.Term{term("", "贪污")}}}},
		{`-"a b" c`, []search.Clause{{Not: true, Terms: []search.Term{term("", "a b")}}, {Terms: []search.Term{term("", "c")}}}},
		{`"-a"`, []search.Clause{{Terms: []search.Term{term("", "-a")}}}},
		{"-", []search.Clause{{Terms: []search.Term{term("", "-")}}}},
		{`title:"最高 检"`, []search.Clause{{Terms: []search.Term{term("title", "最高 检")}}}},
		{`-title:罪 x`, []search.Clause{{Not: true, Terms: []search.Term{term("title", "罪")}}, {Terms: []search.Term{term("", "x")}}}},
		{`"title:罪"`, []search.Clause{{Terms: []search.Term{term("", "title:罪")}}}},
		{"http://x", []search.Clause{{Terms: []search.Term{term("", "http://x")}}}},
		{"number:〔2021〕1号", []search.Clause{{Terms: []search.Term{term("number", "〔2021〕1号")}}}},
		{"keyword:正当防卫 OR keyword:紧急避险", []search.Clause{{Terms: []search.Term{term("keyword", "正当防卫"), term("keyword", "紧急避险")}}}},
		{"a*b NEAR(c) ^d", []search.Clause{{Terms: []search.Term{term("", "a*b")}}, {Terms: []search.Term{term("", "NEAR(c)")}}, {Terms: []search.Term{term("", "^d")}}}},
		{"\"a\tb\"", []search.Clause{{Terms: []search.Term{term("", "a b")}}}},
		// \" is a quote to find, \\ a backslash; any other backslash is text.
		{`keyword:\"引号\"`, []search.Clause{{Terms: []search.Term{term("keyword", `"引号"`)}}}},
		{`"a \" b"`, []search.Clause{{Terms: []search.Term{term("", `a " b`)}}}},
		{`\"`, []search.Clause{{Terms: []search.Term{term("", `"`)}}}},
		{`a\\"b c"`, []search.Clause{{Terms: []search.Term{term("", `a\b c`)}}}},
		{`C:\path`, []search.Clause{{Terms: []search.Term{term("", `C:\path`)}}}},
	} {
		got, err := search.ParseQuery(tc.q)
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		for i := range got.Clauses {
			for j := range got.Clauses[i].Terms {
				got.Clauses[i].Terms[j] = term(got.Clauses[i].Terms[j].Field, got.Clauses[i].Terms[j].Text)
			}
		}
		if !reflect.DeepEqual(got.Clauses, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.q, got.Clauses, tc.want)
		}
	}
}

// FuzzParseQuery: any string is a query or an ErrQuery, never a panic;
// a query has 1 to 16 terms, one to find at least, none empty; written
// back in the language it parses to the same.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"受贿", `"a b" OR c -d`, `title:"x`, "a OR", "-x", `""`, "〔2021〕1号 检例第５７号", "keyword:正当防卫 OR title:罪", `\"`, `a\\"`, `"\\"`, `keyword:"x \" y"`, `\\\"`,
		"site:spp 受贿", "罪 site:www.gd.jcy.gov.cn site:12309", "-site:spp 罪", "site:spp OR 罪", "罪 OR site:spp", `"site:spp"`, "site:", "site:a,b 罪", "site:Ä 罪"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := search.ParseQuery(s)
		if err != nil {
			if qe, ok := errors.AsType[*search.QueryError](err); !ok || !errors.Is(err, search.ErrQuery) || qe.Chinese() == "" {
				t.Fatalf("%q: %v is no QueryError with its reason in Chinese", s, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%q is not UTF-8, yet a query", s)
		}
		n, find := 0, false
		for _, c := range q.Clauses {
			n += len(c.Terms)
			find = find || !c.Not
			for _, term := range c.Terms {
				if term.Text == "" {
					t.Fatalf("%q: empty term", s)
				}
			}
		}
		if n < 1 || n > search.MaxTerms || !find {
			t.Fatalf("%q: %d terms, one to find: %v", s, n, find)
		}
		again, err := search.ParseQuery(q.String())
		if err == nil && (!reflect.DeepEqual(again.Clauses, q.Clauses) || !reflect.DeepEqual(again.Sites, q.Sites)) && utf8.RuneCountInString(q.String()) <= search.MaxQueryChars {
			t.Fatalf("%q → %q → %+v, not %+v", s, q.String(), again.Clauses, q.Clauses)
		}
	})
}

func TestParseQuery_Sites(t *testing.T) {
	for _, tc := range []struct {
		q     string
		sites search.Sites
		terms int
		err   string
	}{
		{q: "site:spp 受贿", sites: search.Sites{"spp"}, terms: 1},
		{q: "受贿 site:WWW.GD.JCY.GOV.CN site:12309", sites: search.Sites{"www.gd.jcy.gov.cn", "12309"}, terms: 1},
		{q: "site:spp,12309 受贿 site:spp", sites: search.Sites{"spp", "12309"}, terms: 1},
		{q: `site:"gd.jcy" 罪`, sites: search.Sites{"gd.jcy"}, terms: 1},
		{q: `"site:spp" 罪`, terms: 2},
		{q: "website:spp", terms: 1},
		{q: "site:spp", err: "names only sites"},
		{q: "-site:spp 罪", err: "cannot be excluded"},
		{q: "site:spp OR 罪", err: "a filter, not a term"},
		{q: "罪 OR site:spp", err: "a filter, not a term"},
		{q: "site: 罪", err: "names no site"},
		{q: "site:spp/x 罪", err: `site "spp/x"`},
	} {
		t.Run(tc.q, func(t *testing.T) {
			q, err := search.ParseQuery(tc.q)
			if tc.err != "" {
				if err == nil || !errors.Is(err, search.ErrQuery) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an ErrQuery saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range q.Clauses {
				n += len(c.Terms)
			}
			if !reflect.DeepEqual(q.Sites, tc.sites) || n != tc.terms {
				t.Errorf("got sites %q and %d terms, want %q and %d", q.Sites, n, tc.sites, tc.terms)
			}
			again, err := search.ParseQuery(q.String())
			if err != nil || !reflect.DeepEqual(again, q) {
				t.Errorf("written back as %q: %+v, %v", q.String(), again, err)
			}
		})
	}
}
