package publish

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"sppcrawl"
	"sppcrawl/search"
)

// ResultFormats are the formats a whole result set is written in, by
// `sppcrawl search --format` and /api/search?format=.
var ResultFormats = []string{"jsonl", "csv", "json"}

// resultLine is one result as JSON: the version found, in the export
// schema (so a result set is an export), with whether it is the current
// version and its snippets beside the schema's fields.
type resultLine struct {
	*sppcrawl.Article
	Current  bool             `json:"current"`
	Snippets []search.Snippet `json:"snippets"`
}

func lineOf(h search.Hit) resultLine {
	a := h.Article
	if a == nil {
		// The archive no longer reads this version (quarantined): what the
		// index knows of it.
		a = &sppcrawl.Article{ID: h.ID, URL: h.URL, Site: h.Site, Title: h.Title, Channel: h.Channel, ChannelPath: h.ChannelPath,
			PublishedAt: h.PublishedAt, Version: h.Version}
	}
	return resultLine{Article: a, Current: h.Current, Snippets: h.Snippets}
}

// resultCSVHeader is the export's CSV columns, then the result's own, site
// (which the export's columns gained later) last: every column of an
// earlier release keeps its place.
var resultCSVHeader = append(append(slices.Clone(csvHeader[:len(csvHeader)-1]), "current", "snippet"), "site")

// WriteResults writes the results of m, at most limit of them (0: all),
// in format (one of ResultFormats), and returns how many it wrote. json is
// one document: {"total":N,"facets":{…},"results":[…]}.
func WriteResults(ctx context.Context, w io.Writer, format string, m *search.Matches, arch search.Archive, limit int) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	n, err := writeResults(ctx, bw, format, m, arch, limit)
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

func writeResults(ctx context.Context, w *bufio.Writer, format string, m *search.Matches, arch search.Archive, limit int) (int, error) {
	n := 0
	switch format {
	case "jsonl":
		enc := newJSONEncoder(w)
		err := m.Each(ctx, arch, limit, func(h search.Hit) error {
			n++
			return enc.Encode(lineOf(h))
		})
		return n, err
	case "json":
		head, err := marshalNoEscape(struct {
			Total  int                       `json:"total"`
			Facets map[string][]search.Facet `json:"facets,omitempty"`
		}{m.Total, m.Facets})
		if err != nil {
			return 0, err
		}
		w.Write(head[:len(head)-1])
		w.WriteString(`,"results":[`)
		err = m.Each(ctx, arch, limit, func(h search.Hit) error {
			if n++; n > 1 {
				w.WriteByte(',')
			}
			b, err := marshalNoEscape(lineOf(h))
			w.Write(b)
			return err
		})
		if err != nil {
			return n, err
		}
		_, err = w.WriteString("]}\n")
		return n, err
	case "csv":
		w.WriteString("\uFEFF") // Excel reads UTF-8 only after a BOM
		cw := csv.NewWriter(w)
		cw.Write(resultCSVHeader)
		err := m.Each(ctx, arch, limit, func(h search.Hit) error {
			n++
			l := lineOf(h)
			snippet := ""
			if len(l.Snippets) > 0 {
				snippet = l.Snippets[0].Text
			}
			row := csvRow(l.Article)
			site := row[len(row)-1]
			return cw.Write(append(append(row[:len(row)-1], csvCells(strconv.FormatBool(l.Current), snippet)...), site))
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		return n, err
	}
	return 0, fmt.Errorf("result format %q: want jsonl, csv or json", format)
}
