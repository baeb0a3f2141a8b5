package search

import (
	"fmt"
	"strings"
)

// QueryError is a request that cannot run, with its reason twice: Error
// in English for the command line and the API, Chinese for the pages a
// person reads in the language of the site. It is an ErrQuery.
type QueryError struct {
	en, zh string
}

func (e *QueryError) Error() string { return ErrQuery.Error() + ": " + e.en }

func (e *QueryError) Unwrap() error { return ErrQuery }

// Chinese is the reason in Chinese.
func (e *QueryError) Chinese() string { return e.zh }

// badQuery is a QueryError; zh is a format of the same arguments, whose
// %q are written in Chinese corner brackets (「x」, without the spaces
// around), not Go's quotes.
func badQuery(en, zh string, args ...any) error {
	return &QueryError{en: fmt.Sprintf(en, args...), zh: fmt.Sprintf(zhQuotes.Replace(zh), args...)}
}

var zhQuotes = strings.NewReplacer(" %q ", "「%s」", " %q", "「%s」", "%q ", "「%s」", "%q", "「%s」")

// paramNames are the request's parameters as the search page labels them.
var paramNames = map[string]string{
	"from": "发布自", "to": "发布至", "effective_from": "施行自", "effective_to": "施行至",
	"withdrawn": "已撤下", "versions": "版本", "sort": "排序", "has": "附带", "kind": "类型", "channel": "频道", "site": "站点",
}

// paramName is a parameter's label for a person, or the name itself.
func paramName(name string) string {
	if zh, ok := paramNames[name]; ok {
		return zh
	}
	return name
}
