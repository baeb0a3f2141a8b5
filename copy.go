package sppcrawl

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
)

// A copy between archives (copy --from --to, either backend): its report,
// its refusal and its check, one for every backend.
var (
	// ErrNotEmpty says a copy's target archive already holds something.
	ErrNotEmpty = errors.New("the target archive is not empty")
	// ErrCopyDiffers says a copy does not read as its source does.
	ErrCopyDiffers = errors.New("the copy differs from its source")
)

// CopyReport says what a copy copied.
type CopyReport struct {
	Articles, Versions, RawPages, Events, Media int
	// Unparsed counts the pages of no known template kept for reextract.
	Unparsed int
}

// Summary is copy's one-line summary of a copy into to (named without
// its password).
func (r CopyReport) Summary(to string) string {
	kept := ""
	if r.Unparsed > 0 {
		kept = fmt.Sprintf(", %d pages of no known template", r.Unparsed)
	}
	return fmt.Sprintf("copy: %d articles, %d earlier versions, %d raw pages, %d events, %d media files%s into %s; the copy reads as its source",
		r.Articles, r.Versions, r.RawPages, r.Events, r.Media, kept, to)
}

// UnparsedReader hands back the pages of no known template an archive
// keeps (see UnparsedKeeper).
type UnparsedReader interface {
	// Unparsed lists the URLs of the pages kept, in byte order.
	Unparsed(ctx context.Context) ([]string, error)
	// UnparsedPage is the page kept at url, nil if none.
	UnparsedPage(ctx context.Context, url string) (*RawPage, error)
}

// EachUnparsed calls fn with every page of no known template src keeps
// (none when src keeps none), in URL order.
func EachUnparsed(ctx context.Context, src any, fn func(*RawPage) error) error {
	r, ok := src.(UnparsedReader)
	if !ok {
		return nil
	}
	urls, err := r.Unparsed(ctx)
	if err != nil {
		return err
	}
	for _, u := range urls {
		p, err := r.UnparsedPage(ctx, u)
		if err != nil {
			return err
		}
		if p != nil {
			if err := fn(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// RawKey names a raw page across archives: a copy keeps each page once
// however many versions point at it.
func RawKey(p *RawPage) string {
	return fmt.Sprintf("%s %d %x", p.URL, p.FetchedAt.UnixNano(), sha256.Sum256(p.Body))
}

// CompareCopy checks that dst reads as src does where downstream sites
// look: the same last seq, and the log article for article at the same
// seqs with the same exported JSON (so the same export), and as many raw
// pages and media files. It keeps a digest an article, not its JSON, so
// that comparing a large archive costs 40 bytes an article.
func CompareCopy(ctx context.Context, src, dst Archive) error {
	a, err := logOf(ctx, src)
	if err != nil {
		return fmt.Errorf("compare: source: %w", err)
	}
	b, err := logOf(ctx, dst)
	if err != nil {
		return fmt.Errorf("compare: copy: %w", err)
	}
	switch {
	case a.last != b.last:
		return fmt.Errorf("compare: last seq %d, the source's %d: %w", b.last, a.last, ErrCopyDiffers)
	case len(a.seqs) != len(b.seqs):
		return fmt.Errorf("compare: %d articles, the source %d: %w", len(b.seqs), len(a.seqs), ErrCopyDiffers)
	case a.raw != b.raw || a.media != b.media || a.unparsed != b.unparsed:
		return fmt.Errorf("compare: %d raw pages, %d files and %d pages of no known template, the source %d, %d and %d: %w",
			b.raw, b.media, b.unparsed, a.raw, a.media, a.unparsed, ErrCopyDiffers)
	}
	for i := range a.seqs {
		if a.seqs[i] != b.seqs[i] || a.docs[i] != b.docs[i] {
			return fmt.Errorf("compare: seq %d: the copy's article differs: %w", a.seqs[i], ErrCopyDiffers)
		}
	}
	return nil
}

// archiveLog is what CompareCopy reads of an archive.
type archiveLog struct {
	last       uint64
	seqs       []uint64
	docs       [][sha256.Size]byte
	raw, media int
	unparsed   int
}

func logOf(ctx context.Context, db Archive) (archiveLog, error) {
	var l archiveLog
	var err error
	if l.last, err = db.LastSeq(ctx); err != nil {
		return l, err
	}
	err = db.ForEachJSON(ctx, 0, func(seq uint64, j []byte) error {
		l.seqs, l.docs = append(l.seqs, seq), append(l.docs, sha256.Sum256(j))
		return nil
	})
	if err != nil {
		return l, err
	}
	if err := db.ForEachRaw(ctx, func(*RawPage) error { l.raw++; return nil }); err != nil {
		return l, err
	}
	if err := EachUnparsed(ctx, db, func(*RawPage) error { l.unparsed++; return nil }); err != nil {
		return l, err
	}
	c, err := db.MediaCounts(ctx)
	l.media = c.Files
	return l, err
}
