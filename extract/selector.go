package extract

import (
	"sync"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
)

var selectors sync.Map // string → goquery.Matcher

// q returns the compiled selector for s. goquery's Find compiles its argument
// on every call, which costs more than matching on small subtrees.
func q(s string) goquery.Matcher {
	if m, ok := selectors.Load(s); ok {
		return m.(goquery.Matcher)
	}
	m := cascadia.MustCompile(s)
	selectors.Store(s, m)
	return m
}
