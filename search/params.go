package search

import (
	"net/url"
	"strconv"
	"strings"

	"sppcrawl"
)

// Params are the names of a Request in a URL's query, as /api/search, the
// saved-search feeds and the web pages take them.
var Params = []string{"q", "channel", "site", "from", "to", "effective_from", "effective_to", "kind", "has",
	"withdrawn", "versions", "sort", "limit", "cursor", "facets"}

// ParseRequest reads a Request from a URL's query. A list (channel, site,
// kind, has, facets) may repeat its parameter or separate values with commas.
// Values are checked when the request runs; only limit is read here.
func ParseRequest(v url.Values) (Request, error) {
	r := Request{
		Query:         v.Get("q"),
		Channels:      list(v, "channel"),
		Sites:         list(v, "site"),
		From:          v.Get("from"),
		To:            v.Get("to"),
		EffectiveFrom: v.Get("effective_from"),
		EffectiveTo:   v.Get("effective_to"),
		Kinds:         list(v, "kind"),
		Has:           list(v, "has"),
		Withdrawn:     v.Get("withdrawn"),
		Versions:      v.Get("versions"),
		Sort:          v.Get("sort"),
		Cursor:        v.Get("cursor"),
		Facets:        list(v, "facets"),
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return r, badQuery("limit %q: want 1 to %d", "每页条数 %q 无效：应为 1 到 %d", sppcrawl.Clip(s, 40), MaxLimit)
		}
		r.Limit = n
	}
	return r, nil
}

// Values writes the request back as a URL's query (ParseRequest's
// inverse), leaving out what is at its default: links that narrow or page
// a search are made from it.
func (r Request) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", r.Query)
	set("channel", strings.Join(r.Channels, ","))
	set("site", strings.Join(r.Sites, ","))
	set("from", r.From)
	set("to", r.To)
	set("effective_from", r.EffectiveFrom)
	set("effective_to", r.EffectiveTo)
	set("kind", strings.Join(r.Kinds, ","))
	set("has", strings.Join(r.Has, ","))
	set("withdrawn", r.Withdrawn)
	set("versions", r.Versions)
	set("sort", r.Sort)
	if r.Limit > 0 {
		set("limit", strconv.Itoa(r.Limit))
	}
	set("cursor", r.Cursor)
	set("facets", strings.Join(r.Facets, ","))
	return v
}

// list is a parameter's values, repeated or comma-separated, blanks left
// out.
func list(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
