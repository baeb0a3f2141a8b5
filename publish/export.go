package publish

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/search"
)

// Formats are the export formats, in the order --help lists them.
var Formats = []string{"jsonl", "json", "csv", "atom", "rss", "jsonfeed", "cases", "cases-csv", "warc"}

// isFeed says whether format is a feed (a window of the newest articles)
// rather than a list in seq order.
func isFeed(format string) bool {
	_, ok := feedTypes[format]
	return ok
}

// HasCursor reports whether an export in format resumes from a cursor
// (--since): the lists and the cases do; feeds (the newest) and WARC (the
// whole archive) do not.
func HasCursor(format string) bool { return !isFeed(format) && format != "warc" }

// Filter narrows what is exported.
type Filter struct {
	Since    time.Time // published on or after
	Channel  string    // channel_path
	AfterSeq uint64    // seq greater than
	// Withdrawn keeps only the articles the site withdrew (export
	// --withdrawn). Lists hold them anyway (with withdrawn_at: pullers must
	// learn of a withdrawal); feeds never do.
	Withdrawn bool
	// Sites keeps the articles of these sites (export --site, ?site=);
	// none: of every site.
	Sites search.Sites
}

func (f Filter) keep(a *sppcrawl.Article) bool {
	if f.Channel != "" && a.ChannelPath != f.Channel || f.Withdrawn && a.WithdrawnAt.IsZero() || !f.Sites.Keeps(a) {
		return false
	}
	return a.Seq > f.AfterSeq && (f.Since.IsZero() || !a.PublishedAt.Before(f.Since))
}

// feedKey names what a feed of the filter holds, for its id: channel=…
// (as ever), then site=… when it names sites.
func (f Filter) feedKey() string {
	var parts []string
	if f.Channel != "" {
		parts = append(parts, "channel="+f.Channel)
	}
	if len(f.Sites) > 0 {
		parts = append(parts, "site="+f.Sites.String())
	}
	return strings.Join(parts, "&")
}

// inFeed is keep for a feed: a withdrawn article is no news to repost.
func (f Filter) inFeed(a *sppcrawl.Article) bool { return a.WithdrawnAt.IsZero() && f.keep(a) }

// ExportOptions say what Export writes.
type ExportOptions struct {
	Format string // one of Formats
	Filter Filter
	// Limit caps the articles written (0: all; feeds default to 50).
	Limit int

	// Software names the program in a WARC's warcinfo record.
	Software string

	// Out is where ExportFile writes ("-": stdout); MediaDir, if set, is a
	// folder it also writes every media file into (see exportMedia).
	Out, MediaDir string
	// CDX, with the warc format, is where the CDXJ index of the WARC goes
	// (replaced whole, as Out is).
	CDX string
	// Stdout is where Out "-" writes (nil: the process's standard output),
	// so that a caller that is handed its output as a writer gets it there.
	Stdout io.Writer
}

// exportWARC writes the WARC, and its CDXJ index when o.CDX is set.
func exportWARC(ctx context.Context, db ExportReader, w io.Writer, o ExportOptions) error {
	if o.CDX == "" {
		_, err := writeWARC(ctx, db, w, o.Software, "", nil)
		return err
	}
	idx, err := CreateOutput(o.CDX)
	if err != nil {
		return fmt.Errorf("cdx: %w", err)
	}
	defer idx.Abort()
	if _, err := writeWARC(ctx, db, w, o.Software, filepath.Base(o.Out), idx); err != nil {
		return err
	}
	return idx.Commit()
}

// Export writes articles to w. Lists (jsonl, json, csv) come in seq order
// from Filter.AfterSeq, and next is the cursor to resume from: the seq of the
// last article written, or of the last one looked at when the archive was
// exhausted (so filtered-out articles are not scanned again and again).
// Feeds are the newest articles (see Latest); next is then 0.
//
// Records that do not decode are left out, all else is written whole; the
// error is then a *sppcrawl.Skipped naming them.
func Export(ctx context.Context, db ExportReader, w io.Writer, o ExportOptions) (next uint64, err error) {
	if isFeed(o.Format) {
		if o.Limit == 0 {
			o.Limit = feedItems
		}
		arts, err := latest(ctx, db, o.Limit, o.Filter)
		skipped, err := sppcrawl.Partial(err)
		if err != nil {
			return 0, err
		}
		m := feedMeta{Channel: o.Filter.Channel, Sites: o.Filter.Sites}
		if len(o.Filter.Sites) > 0 {
			m.Key = o.Filter.feedKey() // a channel's export feed has kept the id of all
		}
		return 0, partial(skipped, writeFeed(w, o.Format, arts, m))
	}
	switch o.Format {
	case "cases", "cases-csv":
		return exportCases(ctx, db, w, o)
	case "warc":
		return 0, exportWARC(ctx, db, w, o)
	case "csv":
		return exportCSV(ctx, db, w, o)
	}
	// JSON Lines and JSON are the stored JSON as it is.
	if o.Format == "jsonl" {
		return eachListed(ctx, db, o, func(j []byte) error {
			_, err := w.Write(append(j, '\n'))
			return err
		})
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return 0, err
	}
	sep := "\n" // before each element of the array
	next, err = eachListed(ctx, db, o, func(j []byte) error {
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		sep = ",\n"
		_, err := w.Write(j)
		return err
	})
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		return next, err
	}
	_, err = io.WriteString(w, "\n]\n")
	return next, partial(skipped, err)
}

// partial is the error of a write that left skipped records out: err if it
// failed, else *sppcrawl.Skipped if it skipped any.
func partial(skipped []sppcrawl.SkippedRecord, err error) error {
	if err != nil || len(skipped) == 0 {
		return err
	}
	return &sppcrawl.Skipped{Records: skipped}
}

// errLimit ends a walk of the archive when an export or a page is full.
var errLimit = errors.New("limit reached")

// eachListed calls write with the stored JSON of each article of a list
// export: those after o.Filter.AfterSeq that the filter keeps, up to o.Limit,
// in seq order. Only the fields a filter reads are decoded, and only when
// there is a filter. next is the cursor: the seq of the last article
// written, or of the last one looked at when the archive ran out (so that
// filtered-out articles are not scanned again and again).
func eachListed(ctx context.Context, db ExportReader, o ExportOptions, write func(j []byte) error) (next uint64, err error) {
	next, n := o.Filter.AfterSeq, 0
	filtered := o.Filter.Channel != "" || !o.Filter.Since.IsZero() || o.Filter.Withdrawn || len(o.Filter.Sites) > 0
	err = db.ForEachJSON(ctx, o.Filter.AfterSeq, func(seq uint64, j []byte) error {
		if o.Limit > 0 && n >= o.Limit {
			return errLimit
		}
		next = seq
		if filtered {
			f := sppcrawl.Article{Seq: seq}
			if err := json.Unmarshal(j, &struct {
				ChannelPath *string    `json:"channel_path"`
				PublishedAt *time.Time `json:"published_at"`
				WithdrawnAt *time.Time `json:"withdrawn_at"`
				URL         *string    `json:"url"`
				Site        *string    `json:"site"`
			}{&f.ChannelPath, &f.PublishedAt, &f.WithdrawnAt, &f.URL, &f.Site}); err != nil {
				return fmt.Errorf("seq %d: %w", seq, err)
			}
			if !o.Filter.keep(&f) {
				return nil
			}
		}
		n++
		return write(j)
	})
	skipped, err := sppcrawl.Partial(err)
	if err != nil && !errors.Is(err, errLimit) {
		return o.Filter.AfterSeq, err
	}
	return next, partial(skipped, nil)
}

// exportCSV writes the CSV export (every article decoded: its columns are
// computed).
func exportCSV(ctx context.Context, db ExportReader, w io.Writer, o ExportOptions) (next uint64, err error) {
	// A BOM makes Excel (Chinese Windows included) read the file as UTF-8.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	next, err = eachListed(ctx, db, o, func(j []byte) error {
		var a sppcrawl.Article
		if err := json.Unmarshal(j, &a); err != nil {
			return err
		}
		return cw.Write(csvRow(&a))
	})
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		return next, err
	}
	cw.Flush()
	return next, partial(skipped, cw.Error())
}

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func marshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := newJSONEncoder(&b)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// latest is what a feed shows: the n most recently stored or corrected
// articles, or for one channel its n newest by publication (read from the
// channel index rather than by decoding the whole archive); withdrawn ones
// never.
func latest(ctx context.Context, db ExportReader, n int, f Filter) ([]*sppcrawl.Article, error) {
	if f.Channel == "" {
		return db.Latest(ctx, n, f.inFeed)
	}
	return db.LatestInChannel(ctx, f.Channel, n, f.inFeed)
}

// csvHeader is the schema's order, but body_html comes after the plain
// fields: Excel cuts a cell at 32,767 characters, and a long article's HTML
// can pass that. Columns added later come at the end, so that those of
// earlier releases keep their positions: withdrawn_at, then document and
// cases as JSON, then site (the host, spp's too: a CSV cell has no
// "omitted", and a sheet of several sites is sorted by it).
var csvHeader = []string{"id", "url", "aliases", "channel", "channel_path", "title", "kicker", "subtitle",
	"published_at", "modified_at", "source", "author", "editor", "paragraphs", "images",
	"attachments", "content_hash", "version", "seq", "first_seen_at", "updated_at", "fetched_at", "body_html",
	"withdrawn_at", "document", "cases", "site"}

func csvRow(a *sppcrawl.Article) []string {
	var imgs, atts []string
	for _, i := range a.Images {
		imgs = append(imgs, i.URL)
	}
	for _, at := range a.Attachments {
		atts = append(atts, at.URL)
	}
	doc, cases := "", ""
	if a.Document != nil {
		b, _ := marshalNoEscape(a.Document)
		doc = string(b)
	}
	if len(a.Cases) > 0 {
		b, _ := marshalNoEscape(a.Cases)
		cases = string(b)
	}
	return csvCells(a.ID, a.URL, strings.Join(a.Aliases, "\n"), a.Channel, a.ChannelPath, a.Title, a.Kicker, a.Subtitle,
		rfc3339(a.PublishedAt), rfc3339(a.ModifiedAt), a.Source, a.Author, a.Editor, strings.Join(a.Paragraphs, "\n"),
		strings.Join(imgs, "\n"), strings.Join(atts, "\n"), a.ContentHash, strconv.Itoa(a.Version),
		strconv.FormatUint(a.Seq, 10), rfc3339(a.FirstSeenAt), rfc3339(a.UpdatedAt), rfc3339(a.FetchedAt), a.BodyHTML,
		rfc3339(a.WithdrawnAt), doc, cases, a.SiteHost())
}

// csvCells makes cells safe for a spreadsheet: one that begins with = + -
// @, a TAB or a CR would be read as a formula (=HYPERLINK(…) in a title), so
// it gets a leading ' (OWASP's rule for CSV injection), which Excel shows
// as text and does not display.
func csvCells(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// ExportResult is what ExportFile did.
type ExportResult struct {
	Next  uint64 // the cursor (see Export)
	Media int    // media files new in MediaDir
	// Skipped names the records that did not decode: left out, every
	// other one exported.
	Skipped []sppcrawl.SkippedRecord
}

// ExportFile is the export command: Export into o.Out, replaced only once
// whole, and the media files into o.MediaDir if set. The output is opened
// first: a refused one writes nothing at all.
func ExportFile(ctx context.Context, db ExportReader, o ExportOptions) (res ExportResult, err error) {
	w, err := createOutput(o.Out, o.Stdout)
	if err != nil {
		return res, err
	}
	defer w.Abort()
	if o.MediaDir != "" {
		if res.Media, err = exportMedia(ctx, db, o.MediaDir); err != nil {
			return res, err
		}
	}
	res.Next, err = Export(ctx, db, w, o)
	// What does not decode is left out and named: everything else is
	// exported, and the output put in place.
	if res.Skipped, err = sppcrawl.Partial(err); err != nil {
		return res, err
	}
	return res, w.Commit()
}
