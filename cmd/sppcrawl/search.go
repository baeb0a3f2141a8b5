package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
	"sppcrawl/store"
)

// SearchCommand is `sppcrawl search`: find articles by their text, exactly as Ctrl-F would, with filters.
type SearchCommand struct {
	streams
	c                    *cli
	req                  search.Request
	channels, kinds, has listFlag
	sites                listFlag
	limit                optionalInt
	count                bool
}

var searchInfo = commandInfo{"search", "find articles by their text, exactly as Ctrl-F would, with filters",
	"[flags] QUERY…", append([]string{"text"}, publish.ResultFormats...)}

// Run parses args as the command line of search and does its work.
func (cmd *SearchCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(searchInfo, cmd.streams)
	cmd.c = c
	req := &cmd.req
	c.fs.Var(&cmd.channels, "channel", "only these channels (keys, names or folders; repeat or separate with commas)")
	c.fs.Var(&cmd.sites, "site", "only these sites (keys such as spp or hosts such as www.gd.jcy.gov.cn; repeat or separate with commas)")
	c.fs.StringVar(&req.From, "from", "", "published on or after this date (2025-06-01, 2025-06 or 2025; +08:00)")
	c.fs.StringVar(&req.To, "to", "", "published on or before this date (the whole day, month or year)")
	c.fs.StringVar(&req.EffectiveFrom, "effective-from", "", "documents taking effect (施行) on or after this date")
	c.fs.StringVar(&req.EffectiveTo, "effective-to", "", "documents taking effect on or before this date")
	c.fs.Var(&cmd.kinds, "kind", "article, case or document (an article holding cases is a case; one with a 文号 header a document)")
	c.fs.Var(&cmd.has, "has", "images or attachments: only results that have them")
	c.fs.StringVar(&req.Withdrawn, "withdrawn", "exclude", "articles the site withdrew: exclude, include or only")
	c.fs.StringVar(&req.Versions, "versions", "current", "current, or all: earlier versions of corrected articles too")
	c.fs.StringVar(&req.Sort, "sort", "newest", "newest, oldest or relevance")
	c.fs.Var(&cmd.limit, "limit", "at most `n` results (default: 20 in text, every result in the other formats)")
	c.fs.BoolVar(&cmd.count, "count", false, "print only the number of results")
	c.indexFlag()
	c.fs.StringVar(&req.Cursor, "cursor", "", "start after the page that printed this cursor (text: the last line)")
	c.uses(sppcrawl.OpenReads)
	c.terms = true
	c.check(cmd.check)
	return c.run(ctx, args, cmd.search)
}

func (cmd *SearchCommand) check() error {
	cmd.req.Sites = cmd.sites
	return searchRequest(cmd.c, &cmd.req, cmd.channels, cmd.kinds, cmd.has, cmd.limit, cmd.count)
}

func (cmd *SearchCommand) search(ctx context.Context, archive sppcrawl.Archive) error {
	return runSearch(ctx, cmd.c, archive, cmd.req, cmd.count)
}

// searchRequest completes the request from the arguments and flags, or
// refuses them.
func searchRequest(c *cli, req *search.Request, channels, kinds, has listFlag, limit optionalInt, count bool) error {
	if len(c.args) == 0 {
		return usageErr("want a query: sppcrawl search 受贿 (quote phrases with spaces)")
	}
	req.Query = strings.Join(c.args, " ")
	req.Channels, req.Kinds, req.Has = channels, kinds, has
	switch {
	case !limit.set && c.out == "text":
		req.Limit = 20
	case !limit.set:
		req.Limit = 0
	case limit.n < 1 || limit.n > search.MaxLimit && c.out == "text":
		return usageErr("--limit %d: want 1 to %d", limit.n, search.MaxLimit)
	default:
		req.Limit = limit.n
	}
	if c.out == "text" && !count {
		req.Facets = []string{"channel", "year", "kind"}
	}
	return nil
}

// runSearch answers the request from the index, remaking a damaged index
// once, and prints the results.
func runSearch(ctx context.Context, c *cli, archive sppcrawl.Archive, req search.Request, count bool) error {
	ix, err := c.searchIndex(ctx, archive)
	if err != nil {
		return err
	}
	defer ix.Close()
	read := &countingArchive{Archive: archive}
	f, err := find(ctx, c, ix, read, req, count)
	if errors.Is(err, search.ErrDamaged) && !ix.ReadOnly() {
		// The catch-up makes the damaged file again.
		if _, err = ix.CatchUp(ctx, archive, c.indexProgress()); err == nil {
			f, err = find(ctx, c, ix, read, req, count)
		}
	}
	if err != nil {
		return searchErr(err)
	}
	if err := f.print(ctx, c, read, req, count); err != nil {
		return err
	}
	return read.skipped()
}

// countingArchive is the archive as a search reads it, counting the
// results whose record does not decode: the search says how many, and
// exits 1, as export does.
type countingArchive struct {
	sppcrawl.Archive
	undecodable int // a search reads its results one at a time
}

func (a *countingArchive) ArticleVersion(ctx context.Context, id string, v int) (*sppcrawl.Article, error) {
	art, err := a.Archive.ArticleVersion(ctx, id, v)
	if errors.Is(err, store.ErrUndecodable) {
		a.undecodable++
	}
	return art, err
}

// skipped says how many records the search could not read: results whose
// record does not decode, and records the index's catch-up passed.
func (a *countingArchive) skipped() error {
	records, _ := a.Damage()
	if n := a.undecodable + len(records); n > 0 {
		return fmt.Errorf("%d records skipped: they do not decode, so the results leave them out or hold only what the index knows of them (id, version, date): the archive is damaged (sppcrawl verify --repair)", n)
	}
	return nil
}

// found is a search's answer before anything is printed: a page of results
// (the table), or every match (counts and result files).
type found struct {
	res   *search.Result
	m     *search.Matches
	limit int
}

// find runs the search: a page for the table, every match otherwise.
func find(ctx context.Context, c *cli, ix *search.Index, archive search.Archive, req search.Request, count bool) (found, error) {
	if c.out == "text" && !count {
		res, err := ix.Search(ctx, archive, req)
		return found{res: res}, err
	}
	limit := req.Limit
	req.Limit = 0 // the stream's own limit, not a page
	m, err := ix.Match(ctx, req)
	return found{m: m, limit: limit}, err
}

// print writes the answer for a person (the table), as a count, or as a
// result file.
func (f found) print(ctx context.Context, c *cli, archive search.Archive, req search.Request, count bool) error {
	switch {
	case f.res != nil:
		return writeResultTable(c.Stdout, req, f.res, c.progress())
	case count:
		_, err := fmt.Fprintln(c.Stdout, f.m.Total)
		return err
	}
	_, err := publish.WriteResults(ctx, c.Stdout, c.out, f.m, archive, f.limit)
	return err
}

// searchErr makes a bad query a usage error (exit 2), with its reason.
func searchErr(err error) error {
	if errors.Is(err, search.ErrQuery) {
		return usageError{err}
	}
	return err
}

// searchIndex opens the index beside the archive and catches it up first
// if it is behind: the archive is held read-only, so nothing changes it
// meanwhile. Where the index cannot be written, the search runs on it as it
// is and says how far behind it is.
func (c *cli) searchIndex(ctx context.Context, archive sppcrawl.Archive) (*search.Index, error) {
	ix, err := openIndexAnyway(c, archive)
	if err != nil {
		return nil, err
	}
	behind, err := ix.Behind(ctx, archive)
	if err != nil || behind == 0 {
		return ix, err
	}
	if ix.ReadOnly() {
		c.log.Warn("search index behind the archive: results may miss the newest articles (sppcrawl index)", "behind", behind)
		return ix, nil
	}
	c.log.Info("search index: catching up with the archive first", "articles", behind)
	if _, err := ix.CatchUp(ctx, archive, c.indexProgress()); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// writeResultTable prints a page of results for a person: the total and
// facets, then per result its date, id, channel key and title, and under
// it one snippet (matches in bold on a terminal). Every text is made
// terminal-safe here, as the bold is written around it.
func writeResultTable(w io.Writer, req search.Request, res *search.Result, bold bool) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d results for %s (%s first)\n", res.Total, terminalSafe(req.Query), req.Sort)
	for _, f := range []string{"channel", "year", "kind"} {
		var parts []string
		for _, v := range res.Facets[f] {
			parts = append(parts, fmt.Sprintf("%s %d", terminalSafe(cmp.Or(v.Name, v.Value)), v.Count))
		}
		if len(parts) > 0 {
			fmt.Fprintf(bw, "  by %s: %s\n", f, strings.Join(parts[:min(len(parts), 8)], " · "))
		}
	}
	for _, h := range res.Results {
		ver := ""
		if !h.Current {
			ver = fmt.Sprintf(" (v%d)", h.Version)
		}
		key := sites.OfURL(h.URL).ChannelByPath(h.ChannelPath).Key
		title, snippets := titleLine(h, bold)
		fmt.Fprintf(bw, "\n%s  %s%s  %s  %s\n", h.PublishedAt.In(sppcrawl.CST()).Format("2006-01-02"), h.ID, ver, key, title)
		if len(snippets) > 0 {
			fmt.Fprintf(bw, "            %s\n", snippetText(snippets[0], bold))
		}
	}
	if res.NextCursor != "" {
		fmt.Fprintf(bw, "\nmore: --cursor %s (or --format jsonl for every result)\n", res.NextCursor)
	}
	return bw.Flush()
}

// titleLine is a result's title for a terminal and the snippets left to
// show under it: a snippet that is the whole title marks the title itself
// rather than repeating it on the line below.
func titleLine(h search.Hit, bold bool) (string, []search.Snippet) {
	if title, rest, ok := h.TitleMarked(); ok {
		return snippetText(title, bold), rest
	}
	return terminalSafe(h.Title), h.Snippets
}

// snippetText is a snippet for a terminal: its matches in bold there,
// between 【 】 nowhere (they would read as the site's own brackets).
func snippetText(s search.Snippet, bold bool) string {
	if !bold {
		return terminalSafe(s.Text)
	}
	r := []rune(s.Text)
	var b strings.Builder
	at := 0
	for _, m := range s.Match {
		b.WriteString(terminalSafe(string(r[at:m[0]])))
		b.WriteString("\033[1m" + terminalSafe(string(r[m[0]:m[1]])) + "\033[0m")
		at = m[1]
	}
	b.WriteString(terminalSafe(string(r[at:])))
	return b.String()
}

// listFlag is a flag that may repeat, or list values separated by commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(*l, p) {
			*l = append(*l, p)
		}
	}
	return nil
}
