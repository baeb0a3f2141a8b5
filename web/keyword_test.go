package web

import (
	"net/url"
	"strings"
	"testing"

	"sppcrawl/search"
)

// A case keyword's search link is a valid query that finds the keyword
// itself, whatever it holds: quotes, backslashes, spaces, OR, a dash.
func TestKeywordSearch(t *testing.T) {
	for _, k := range []string{"再审抗诉", `正当"防卫`, `"引"`, `a\b`, "两 个词", "OR", "-排除", `\"`, "title:x"} {
		link := keywordSearch(k)
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(link, "/search?q=") {
			t.Fatalf("%q: link %q", k, link)
		}
		q, err := search.ParseQuery(u.Query().Get("q"))
		if err != nil {
			t.Errorf("%q: %s is no valid query: %v", k, link, err)
			continue
		}
		if len(q.Clauses) != 1 || q.Clauses[0].Not || len(q.Clauses[0].Terms) != 1 ||
			q.Clauses[0].Terms[0].Field != "keyword" || q.Clauses[0].Terms[0].Text != k {
			t.Errorf("%q: %s reads %+v", k, link, q.Clauses)
		}
	}
}
