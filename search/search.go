package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

// Result is one page of a search: the API's answer.
type Result struct {
	Total      int                `json:"total"`
	Results    []Hit              `json:"results"`
	Facets     map[string][]Facet `json:"facets,omitempty"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// Hit is one result: an article's version, with up to three snippets.
type Hit struct {
	ID          string            `json:"id"`
	URL         string            `json:"url"`
	Title       string            `json:"title"`
	Channel     string            `json:"channel"`
	ChannelPath string            `json:"channel_path"`
	Site        string            `json:"site,omitempty"` // as the export row has it: absent for www.spp.gov.cn
	PublishedAt time.Time         `json:"published_at"`
	Version     int               `json:"version"`
	Current     bool              `json:"current"`
	WithdrawnAt time.Time         `json:"withdrawn_at,omitzero"`
	Snippets    []Snippet         `json:"snippets"`
	Article     *sppcrawl.Article `json:"-"` // the version found, nil when the archive lacks it
}

// Facet is one value of a facet and the exact number of results with it.
type Facet struct {
	Value string `json:"value"`
	Name  string `json:"name,omitempty"`
	Count int    `json:"count"`
}

// entry is a match in the result order.
type entry struct {
	key   uint64
	score float64
	rid   int64
}

// Matches is every result of a request, ordered, with exact counts: what
// pages and streams are cut from.
type Matches struct {
	Total   int
	Facets  map[string][]Facet
	ix      *Index
	p       *plan
	entries []entry // after the cursor, in order
}

// Match runs the query and its filters under the index's timeout: every
// match is found and counted (exact totals and facets), then ordered.
func (ix *Index) Match(ctx context.Context, req Request) (*Matches, error) {
	tctx, cancel := context.WithTimeout(ctx, ix.opts.Timeout)
	defer cancel()
	m, err := ix.match(tctx, req)
	if err != nil && ctx.Err() == nil && errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: over %s; narrow it with a channel or a date range, or longer terms", ErrTimeout, ix.opts.Timeout)
	}
	return m, ix.checked(err)
}

func (ix *Index) match(ctx context.Context, req Request) (*Matches, error) {
	tx, snap, err := ix.readSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p, err := req.plan(snap)
	if err != nil {
		return nil, err
	}
	rids, scores, err := evaluate(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	rids = p.filter(rids, snap)
	m := &Matches{Total: len(rids), ix: ix, p: p}
	if len(p.facets) > 0 {
		m.Facets = facets(rids, snap, p.facets)
	}
	m.entries = order(rids, snap, scores, p)
	return m, ctx.Err()
}

// filter keeps the rids the plan's filters let through.
func (p *plan) filter(rids []int64, snap snapshot) []int64 {
	out := rids[:0]
	for _, rid := range rids {
		m, ok := snap.docs[rid]
		if !ok || !p.keeps(rid, m) {
			continue
		}
		out = append(out, rid)
	}
	return out
}

func (p *plan) keeps(rid int64, m docMeta) bool {
	f := m.flags
	if s := int64(m.secs); s < p.from || s > p.to {
		return false
	}
	if !p.allVersions && f&flagCurrent == 0 {
		return false
	}
	switch w := f&flagWithdrawn != 0; p.withdrawn {
	case "exclude":
		if w {
			return false
		}
	case "only":
		if !w {
			return false
		}
	}
	if p.kinds != 0 && kindBits(f)&p.kinds == 0 {
		return false
	}
	if f&p.has != p.has {
		return false
	}
	e := int64(m.effective)
	return (p.effFrom == 0 || e != 0 && e >= p.effFrom) && (p.effTo == 0 || e != 0 && e <= p.effTo)
}

// kindBits are the kinds of a version: case and/or document, else article.
func kindBits(f uint8) uint8 {
	if k := f & (flagCase | flagDocument); k != 0 {
		return k
	}
	return kindArticle
}

// facets counts the results by channel, site, year and kind.
func facets(rids []int64, snap snapshot, want []string) map[string][]Facet {
	chans, years, kinds := map[int]int{}, map[int]int{}, map[uint8]int{}
	for _, rid := range rids {
		d := snap.docs[rid]
		chans[ridChannel(rid)]++
		years[secsTime(d.secs).Year()]++
		k := kindBits(d.flags)
		for _, b := range []uint8{kindArticle, flagCase, flagDocument} {
			if k&b != 0 {
				kinds[b]++
			}
		}
	}
	out := map[string][]Facet{}
	for _, f := range want {
		switch f {
		case "channel":
			out[f] = channelFacet(chans, snap)
		case "site":
			out[f] = siteFacet(chans, snap)
		case "year":
			var fs []Facet
			for y, n := range years {
				fs = append(fs, Facet{Value: strconv.Itoa(y), Count: n})
			}
			slices.SortFunc(fs, func(a, b Facet) int { return cmp.Compare(b.Value, a.Value) })
			out[f] = fs
		case "kind":
			fs := []Facet{}
			for i, b := range []uint8{kindArticle, flagCase, flagDocument} {
				if kinds[b] > 0 {
					fs = append(fs, Facet{Value: Kinds[i], Count: kinds[b]})
				}
			}
			out[f] = fs
		}
	}
	return out
}

// channelFacet counts by channel path: a folder two sites have is one
// value, as channel= selects it in both, named by the default site when
// it is one of them, else by the first.
func channelFacet(chans map[int]int, snap snapshot) []Facet {
	byPath, host := map[string]int{}, map[string]string{}
	def := sites.Default().Host()
	for i, n := range chans {
		p, h := snap.channels[i], snap.sites[i]
		byPath[p] += n
		if old, ok := host[p]; !ok || h == def || old != def && h < old {
			host[p] = h
		}
	}
	fs := []Facet{}
	for p, n := range byPath {
		c := sites.Of(host[p]).ChannelByPath(p)
		fs = append(fs, Facet{Value: c.Path, Name: cmp.Or(c.Name, c.Key), Count: n})
	}
	return sortFacets(fs)
}

// siteFacet counts by site: its host, named by its key.
func siteFacet(chans map[int]int, snap snapshot) []Facet {
	byHost := map[string]int{}
	for i, n := range chans {
		byHost[snap.sites[i]] += n
	}
	fs := []Facet{}
	for h, n := range byHost {
		fs = append(fs, Facet{Value: h, Name: sppcrawl.SiteKey(h), Count: n})
	}
	return sortFacets(fs)
}

// sortFacets puts the largest count first, then the values in order.
func sortFacets(fs []Facet) []Facet {
	slices.SortFunc(fs, func(a, b Facet) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Value, b.Value)) })
	return fs
}

// order sorts the matches as the plan says and drops those up to its cursor.
func order(rids []int64, snap snapshot, scores map[int64]float64, p *plan) []entry {
	es := make([]entry, 0, len(rids))
	for _, rid := range rids {
		e := entry{key: sortKey(snap.docs[rid].secs, rid), rid: rid}
		if scores != nil {
			e.score = scores[rid]
		}
		if p.after == nil || p.before(cursor{e.key, e.score}, *p.after) > 0 {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return p.before(cursor{a.key, a.score}, cursor{b.key, b.score}) })
	return es
}

// before compares two positions in the plan's order: negative when a comes
// first.
func (p *plan) before(a, b cursor) int {
	switch p.sortBy {
	case "oldest":
		return cmp.Compare(a.key, b.key)
	case "relevance":
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.key, a.key))
	}
	return cmp.Compare(b.key, a.key)
}

// Search is one page of results (Request.Limit of them), with snippets
// from the archive, and the cursor of the next page when there is one.
func (ix *Index) Search(ctx context.Context, arch Archive, req Request) (*Result, error) {
	m, err := ix.Match(ctx, req)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: m.Total, Facets: m.Facets, Results: []Hit{}}
	page := m.entries[:min(m.p.limit, len(m.entries))]
	for _, e := range page {
		h, err := m.hit(ctx, arch, e.rid)
		if err != nil {
			return nil, err
		}
		res.Results = append(res.Results, h)
	}
	if len(page) < len(m.entries) {
		last := page[len(page)-1]
		res.NextCursor = cursor{last.key, last.score}.encode(m.p.hash)
	}
	return res, nil
}

// Each calls fn for every result after the request's cursor, in order, up
// to limit of them (0: all): a result set as an export.
func (m *Matches) Each(ctx context.Context, arch Archive, limit int, fn func(Hit) error) error {
	for i, e := range m.entries {
		if limit > 0 && i == limit {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := m.hit(ctx, arch, e.rid)
		if err != nil {
			return err
		}
		if err := fn(h); err != nil {
			return err
		}
	}
	return nil
}

// hit reads a result's version from the archive, with its snippets. A
// version the archive no longer has (quarantined) keeps what the index
// knows of it.
func (m *Matches) hit(ctx context.Context, arch Archive, rid int64) (Hit, error) {
	var h Hit
	var flags, secs int64
	err := m.ix.sql().QueryRowContext(ctx, `SELECT id, version, flags, published FROM docs WHERE rid=?`, rid).Scan(&h.ID, &h.Version, &flags, &secs)
	if err != nil {
		return h, fmt.Errorf("search index %s: rid %d: %w", m.ix.path, rid, err)
	}
	h.Current, h.PublishedAt, h.Snippets = flags&flagCurrent != 0, secsTime(uint32(secs)), []Snippet{}
	a, err := arch.ArticleVersion(ctx, h.ID, h.Version)
	if err != nil {
		if ctx.Err() != nil {
			return h, ctx.Err()
		}
		return h, nil
	}
	h.URL, h.Title, h.Channel, h.ChannelPath, h.Site = a.URL, a.Title, a.Channel, a.ChannelPath, a.Site
	h.PublishedAt, h.WithdrawnAt, h.Article = a.PublishedAt, a.WithdrawnAt, a
	h.Snippets = snippets(a, m.p.q, 3)
	return h, nil
}
