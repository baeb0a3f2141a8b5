package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

func runExport(ctx context.Context, args []string) error {
	fs := newFlags("export", "[--format jsonl|json|csv|atom|rss|jsonfeed] [flags]")
	var af archiveFlags
	af.register(fs, true)
	format := fs.String("format", "jsonl", "jsonl, json, csv, atom, rss or jsonfeed")
	since := fs.Uint64("since", 0, "only articles with seq greater than this (the cursor printed as next_since)")
	sinceDate := fs.String("since-date", "", "only articles published on or after this date (YYYY-MM-DD)")
	channel := fs.String("channel", "", "only this channel (key such as jczdal, or path /spp/jczdal/)")
	limit := fs.Int("limit", 0, "at most this many articles (default: all; 50 for feeds)")
	out := fs.String("out", "-", "output file, written atomically (- for stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	f := exportFilter{}
	if *sinceDate != "" {
		t, ok := extract.ParseDate(*sinceDate)
		if !ok {
			return withCode(exitUsage, fmt.Errorf("--since-date %q: want YYYY-MM-DD", *sinceDate))
		}
		f.since = t
	}
	if *channel != "" {
		p, err := channelPath(*channel)
		if err != nil {
			return withCode(exitUsage, err)
		}
		f.channel = p
	}
	if *limit < 0 {
		return withCode(exitUsage, errors.New("--limit must not be negative"))
	}
	feed := *format == "atom" || *format == "rss" || *format == "jsonfeed"
	if feed && *limit == 0 {
		*limit = 50
	}
	switch *format {
	case "jsonl", "json", "csv", "atom", "rss", "jsonfeed":
	default:
		return withCode(exitUsage, fmt.Errorf("--format %q: want jsonl, json, csv, atom, rss or jsonfeed", *format))
	}
	archive, err := af.open(true)
	if err != nil {
		return err
	}
	defer archive.Close()

	w, commit, err := atomicOutput(*out)
	if err != nil {
		return err
	}
	defer commit(false)
	var next uint64
	if feed {
		f.afterSeq = *since
		arts, err := latest(ctx, archive, *limit, f)
		if err != nil {
			return err
		}
		err = writeFeed(w, *format, arts, feedMeta{channel: f.channel})
		if err != nil {
			return err
		}
	} else {
		next, err = exportList(ctx, archive, w, *format, *since, *limit, f)
		if err != nil {
			return err
		}
	}
	if err := commit(true); err != nil {
		return err
	}
	if !feed {
		fmt.Fprintf(os.Stderr, "next_since=%d\n", next)
	}
	return nil
}

type exportFilter struct {
	since    time.Time // published on or after
	channel  string    // channel_path
	afterSeq uint64    // seq greater than
}

func (f exportFilter) keep(a *extract.Article) bool {
	if f.channel != "" && a.ChannelPath != f.channel {
		return false
	}
	return a.Seq > f.afterSeq && (f.since.IsZero() || !a.PublishedAt.Before(f.since))
}

// latest is what a feed shows: the n most recently stored or corrected
// articles, or for one channel its n newest by publication (read from the
// channel index rather than by decoding the whole archive).
func latest(ctx context.Context, db *store.DB, n int, f exportFilter) ([]*extract.Article, error) {
	if f.channel == "" {
		return db.Latest(ctx, n, f.keep)
	}
	arts, err := db.LatestInChannel(ctx, f.channel, n)
	if err != nil {
		return nil, err
	}
	kept := arts[:0]
	for _, a := range arts {
		if f.keep(a) {
			kept = append(kept, a)
		}
	}
	return kept, nil
}

func channelPath(s string) (string, error) {
	if strings.HasPrefix(s, "/") {
		if !strings.HasSuffix(s, "/") {
			s += "/"
		}
		return s, nil
	}
	chans, err := extract.SelectChannels(s)
	if err != nil {
		return "", err
	}
	return chans[0].Path, nil
}

// exportList writes articles in seq order and returns the cursor to resume
// from: the seq of the last article written, or of the last one looked at
// when the archive was exhausted (so filtered-out articles are not scanned
// again and again).
func exportList(ctx context.Context, archive *store.DB, w io.Writer, format string, since uint64, limit int, f exportFilter) (uint64, error) {
	next := since
	n := 0
	var write func(*extract.Article) error
	var finish func() error
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		write = func(a *extract.Article) error { return enc.Encode(a) }
		finish = func() error { return nil }
	case "json":
		io.WriteString(w, "[")
		write = func(a *extract.Article) error {
			if n > 0 {
				io.WriteString(w, ",")
			}
			io.WriteString(w, "\n")
			b, err := marshalNoEscape(a)
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		}
		finish = func() error { _, err := io.WriteString(w, "\n]\n"); return err }
	case "csv":
		// A BOM makes Excel (Chinese Windows included) read the file as UTF-8.
		io.WriteString(w, "\uFEFF")
		cw := csv.NewWriter(w)
		cw.Write(csvHeader)
		write = func(a *extract.Article) error { return cw.Write(csvRow(a)) }
		finish = func() error { cw.Flush(); return cw.Error() }
	}
	errLimit := errors.New("limit reached")
	err := archive.ForEach(ctx, since, func(a *extract.Article) error {
		if limit > 0 && n >= limit {
			return errLimit
		}
		next = a.Seq
		if !f.keep(a) {
			return nil
		}
		if err := write(a); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil && !errors.Is(err, errLimit) {
		return since, err
	}
	return next, finish()
}

func marshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// csvHeader is the schema's order, but body_html comes last: Excel cuts a cell
// at 32,767 characters, and a long article's HTML can pass that; the last
// column is where that harms least.
var csvHeader = []string{"id", "url", "aliases", "channel", "channel_path", "title", "kicker", "subtitle",
	"published_at", "modified_at", "source", "author", "editor", "paragraphs", "images",
	"attachments", "content_hash", "version", "seq", "first_seen_at", "updated_at", "fetched_at", "body_html"}

func csvRow(a *extract.Article) []string {
	tm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	var imgs, atts []string
	for _, i := range a.Images {
		imgs = append(imgs, i.URL)
	}
	for _, at := range a.Attachments {
		atts = append(atts, at.URL)
	}
	return []string{a.ID, a.URL, strings.Join(a.Aliases, "\n"), a.Channel, a.ChannelPath, a.Title, a.Kicker, a.Subtitle,
		tm(a.PublishedAt), tm(a.ModifiedAt), a.Source, a.Author, a.Editor, strings.Join(a.Paragraphs, "\n"),
		strings.Join(imgs, "\n"), strings.Join(atts, "\n"), a.ContentHash, strconv.Itoa(a.Version),
		strconv.FormatUint(a.Seq, 10), tm(a.FirstSeenAt), tm(a.UpdatedAt), tm(a.FetchedAt), a.BodyHTML}
}

// atomicOutput writes to a temporary file beside path and renames it into
// place on commit(true), so a web server never serves half a file. "-" is
// stdout.
func atomicOutput(path string) (io.Writer, func(ok bool) error, error) {
	if path == "-" {
		bw := bufio.NewWriterSize(os.Stdout, 64<<10)
		return bw, func(ok bool) error {
			if ok {
				return bw.Flush()
			}
			return nil
		}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, nil, fmt.Errorf("export to %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	done := false
	return bw, func(ok bool) error {
		if done {
			return nil
		}
		done = true
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil
		}
		err := bw.Flush()
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			os.Chmod(tmp.Name(), 0o644)
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("export to %s: %w", path, err)
		}
		return nil
	}, nil
}
