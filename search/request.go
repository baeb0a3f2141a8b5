package search

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// Request is one search: the query and its filters, as the command line
// and the API take them (strings, checked here, so both say the same).
type Request struct {
	Query string
	// Channels are keys (jczdal), names or folders (/spp/zdgz/).
	Channels []string
	// Sites are keys (spp) or hosts (www.spp.gov.cn): the results are of
	// any of them, and of the query's site: too.
	Sites []string
	// From and To bound the publication date, EffectiveFrom and
	// EffectiveTo a document's 施行日期: 2025-06-01, 2025-06 or 2025,
	// both ends included, in the site's time (+08:00).
	From, To, EffectiveFrom, EffectiveTo string
	Kinds                                []string // article, case, document; none: all
	Has                                  []string // images, attachments: the results have them
	// Withdrawn is "exclude" (the default), "include" or "only".
	Withdrawn string
	// Versions is "current" (the default) or "all": earlier versions of
	// corrected articles too, each result naming its version.
	Versions string
	// Sort is "newest" (the default), "oldest" or "relevance".
	Sort string
	// Limit is the page size (default 20, at most MaxLimit); Each ignores it.
	Limit  int
	Cursor string // from a previous Result's NextCursor
	// Facets are the counts wanted: channel, site, year, kind.
	Facets []string
}

// MaxLimit is the largest page of Search.
const MaxLimit = 1000

// Kinds of result, for Request.Kinds and the kind facet: an article that
// holds cases is a case, one with a document header a document.
var Kinds = []string{"article", "case", "document"}

// plan is a Request checked and resolved against the index.
type plan struct {
	q                 Query
	chans             []int // channel indexes; nil: all
	from, to          int64 // publication, Unix seconds, both included
	effFrom, effTo    int64 // yyyymmdd; 0: open
	kinds             uint8 // flagCase, flagDocument, 1<<7 for article
	has               uint8
	withdrawn, sortBy string
	allVersions       bool
	limit             int
	after             *cursor
	facets            []string
	hash              uint64
}

const kindArticle = 1 << 7

func (r Request) plan(snap snapshot) (*plan, error) {
	q, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	p := &plan{q: q, to: 1<<32 - 1, limit: r.Limit, facets: r.Facets}
	if p.chans, err = channelsOf(r.Channels, snap); err != nil {
		return nil, err
	}
	if p.chans, err = inSites(p.chans, append(slices.Clone(r.Sites), q.Sites...), snap); err != nil {
		return nil, err
	}
	if p.from, p.to, err = dateRange("from", r.From, "to", r.To); err != nil {
		return nil, err
	}
	ef, et, err := dateRange("effective_from", r.EffectiveFrom, "effective_to", r.EffectiveTo)
	if err != nil {
		return nil, err
	}
	if r.EffectiveFrom != "" {
		p.effFrom = dayOf(ef)
	}
	if r.EffectiveTo != "" {
		p.effTo = dayOf(et)
	}
	if err := p.options(r); err != nil {
		return nil, err
	}
	norm := r
	norm.Withdrawn, norm.Sort, norm.Versions = p.withdrawn, p.sortBy, "current"
	if p.allVersions {
		norm.Versions = "all"
	}
	p.hash = norm.hash()
	if r.Cursor != "" {
		if p.after, err = readCursor(r.Cursor, p.hash); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// options reads the enumerated parameters.
func (p *plan) options(r Request) error {
	for _, k := range r.Kinds {
		switch k {
		case "article":
			p.kinds |= kindArticle
		case "case":
			p.kinds |= flagCase
		case "document":
			p.kinds |= flagDocument
		default:
			return badQuery("kind %q: want article, case or document", "类型 %q 无效：应为 article（文章）、case（案例）或 document（规范性文件）", k)
		}
	}
	for _, h := range r.Has {
		switch h {
		case "images":
			p.has |= flagImages
		case "attachments":
			p.has |= flagAttachments
		default:
			return badQuery("has %q: want images or attachments", "附带 %q 无效：应为 images（有图片）或 attachments（有附件）", h)
		}
	}
	var err error
	if p.withdrawn, err = oneOf("withdrawn", r.Withdrawn, "exclude", "include", "only"); err != nil {
		return err
	}
	if p.sortBy, err = oneOf("sort", r.Sort, "newest", "oldest", "relevance"); err != nil {
		return err
	}
	v, err := oneOf("versions", r.Versions, "current", "all")
	p.allVersions = v == "all"
	if err != nil {
		return err
	}
	for _, f := range r.Facets {
		if !slices.Contains([]string{"channel", "site", "year", "kind"}, f) {
			return badQuery("facet %q: want channel, site, year or kind", "分面 %q 无效：应为 channel、site、year 或 kind", f)
		}
	}
	switch {
	case p.limit == 0:
		p.limit = 20
	case p.limit < 0 || p.limit > MaxLimit:
		return badQuery("limit %d: want 1 to %d (format=jsonl or csv streams every result)", "每页条数 %d 无效：应为 1 到 %d（下载全部结果请用 CSV 或 JSON Lines）", p.limit, MaxLimit)
	}
	return nil
}

func oneOf(name, v string, allowed ...string) (string, error) {
	if v == "" {
		return allowed[0], nil
	}
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", &QueryError{en: fmt.Sprintf("%s %q: want %s", name, v, strings.Join(allowed, ", ")), zh: fmt.Sprintf("%s「%s」无效：应为 %s", paramName(name), v, strings.Join(allowed, "、"))}
}

// channelsOf resolves channel names to the index's channel indexes. A
// channel of the table that has no article yet selects nothing; one the
// index never saw and the table does not list is an error.
func channelsOf(names []string, snap snapshot) ([]int, error) {
	if len(names) == 0 {
		return nil, nil
	}
	known := make([]sppcrawl.Channel, 0, len(snap.paths))
	for p := range snap.paths {
		known = append(known, sites.ChannelByPath(p))
	}
	out := []int{}
	for _, n := range names {
		chs, err := sites.SelectChannels(sites.Default(), n, known...)
		if err != nil || len(chs) == 0 {
			return nil, badQuery("channel %q: no such channel (sppcrawl channels lists them)", "没有频道 %q", n)
		}
		for _, c := range chs {
			is, ok := snap.paths[c.Path]
			switch {
			case ok:
				out = append(out, is...)
			case !sites.InTable(sites.Default(), c.Path):
				return nil, badQuery("channel %q: the archive has no article of it", "频道 %q 在档案中还没有文章", n)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// inSites narrows channel indexes (nil: all) to those of the sites named.
// A name no site of the index answers to is an error, as a channel's is:
// a site the archive has no article of, or a typo.
func inSites(chans []int, names []string, snap snapshot) ([]int, error) {
	sites, err := ParseSites(names...)
	if err != nil || len(sites) == 0 {
		return chans, err
	}
	for _, n := range sites {
		if !slices.ContainsFunc(slices.Collect(maps.Values(snap.sites)), func(h string) bool { return siteNamed(h, n) }) {
			return nil, badQuery("site %q: the archive has no article of it (sppcrawl sites lists the sites)", "站点 %q 在档案中没有文章", n)
		}
	}
	out := []int{}
	for i, h := range snap.sites {
		if sites.Has(h) && (chans == nil || slices.Contains(chans, i)) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out, nil
}

// dateRange reads a pair of date bounds.
func dateRange(fromName, from, toName, to string) (int64, int64, error) {
	lo, hi := int64(0), int64(1<<32-1)
	if from != "" {
		t, _, err := parseDay(fromName, from)
		if err != nil {
			return 0, 0, err
		}
		lo = t.Unix()
	}
	if to != "" {
		_, end, err := parseDay(toName, to)
		if err != nil {
			return 0, 0, err
		}
		hi = end.Unix() - 1
	}
	if lo > hi {
		return 0, 0, &QueryError{en: fmt.Sprintf("%s %s is after %s %s", fromName, from, toName, to), zh: fmt.Sprintf("%s %s 晚于%s %s", paramName(fromName), from, paramName(toName), to)}
	}
	return lo, hi, nil
}

// parseDay reads 2025-06-01, 2025-06 or 2025 as the span it names, in the
// site's time.
func parseDay(name, s string) (start, end time.Time, err error) {
	for _, f := range []struct {
		layout  string
		y, m, d int
	}{{time.DateOnly, 0, 0, 1}, {"2006-01", 0, 1, 0}, {"2006", 1, 0, 0}} {
		if t, err := time.ParseInLocation(f.layout, s, sppcrawl.CST()); err == nil && t.Year() >= 1900 && t.Year() <= 2100 {
			return t, t.AddDate(f.y, f.m, f.d), nil
		}
	}
	return time.Time{}, time.Time{}, &QueryError{en: fmt.Sprintf("%s %q is not a date (want 2025-06-01, 2025-06 or 2025)", name, s), zh: fmt.Sprintf("%s「%s」不是日期（应如 2025-06-01、2025-06 或 2025）", paramName(name), s)}
}

func dayOf(unix int64) int64 {
	t := time.Unix(unix, 0).In(sppcrawl.CST())
	return int64(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// hash identifies what a cursor belongs to: everything but the page, and
// the index's layout (its sort keys are the layout's).
func (r Request) hash() uint64 {
	h := sha256.New()
	for _, s := range []string{schemaVersion, r.Query, strings.Join(r.Channels, ","), strings.Join(r.Sites, ","), r.From, r.To, r.EffectiveFrom, r.EffectiveTo,
		strings.Join(r.Kinds, ","), strings.Join(r.Has, ","), r.Withdrawn, r.Versions, r.Sort} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}
