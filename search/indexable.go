package search

import (
	"time"
	"unicode/utf8"

	"sppcrawl"
)

// indexable is a version as the index reads it: its place, what its flags
// say of it, its text by column (see fields). Read back from the archive
// (indexableOf) or handed over by the command that just stored it
// (Handoff), it is the same value, so both give the same rows.
type indexable struct {
	id        string
	version   int
	site      string // the site's host
	channel   string // its channel path
	published time.Time
	withdrawn bool
	kinds     int64 // flagCase, flagDocument, flagImages, flagAttachments
	effective int64
	fields    [][]string
	bytes     int // of fields' text
}

func indexableOf(a *sppcrawl.Article) indexable {
	d := indexable{
		id: a.ID, version: a.Version, site: a.SiteHost(), channel: a.ChannelPath, published: a.PublishedAt,
		withdrawn: !a.WithdrawnAt.IsZero(), kinds: flagsOf(a, false) &^ flagWithdrawn,
		effective: effectiveOf(a), fields: fields(a),
	}
	for _, segs := range d.fields {
		for _, s := range segs {
			d.bytes += len(s)
		}
	}
	return d
}

// flags are the version's flags in the docs table.
func (d indexable) flags(current bool) int64 {
	f := d.kinds
	if current {
		f |= flagCurrent
	}
	if d.withdrawn {
		f |= flagWithdrawn
	}
	return f
}

// validUTF8 says whether the text is what the archive gives back: JSON
// replaces bytes that are not UTF-8, so such text read back differs.
func (d indexable) validUTF8() bool {
	for _, segs := range d.fields {
		for _, s := range segs {
			if !utf8.ValidString(s) {
				return false
			}
		}
	}
	return utf8.ValidString(d.site) && utf8.ValidString(d.channel) && utf8.ValidString(d.id)
}
