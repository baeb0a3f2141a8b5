package sppcrawl

import (
	"slices"
	"strings"
)

// Change is how a freshly fetched article differs from the stored version
// of it in what the site published: the export names of the fields that
// differ, in the order of VersionFields. No field: the fetch is the stored
// version again.
type Change struct {
	Fields []string
}

// Revised reports whether the fetch is a new version of the article.
func (c Change) Revised() bool { return len(c.Fields) > 0 }

// String names the changed fields, "source, author"; "" when none.
func (c Change) String() string { return strings.Join(c.Fields, ", ") }

// pageField is a field of the export read from the page, with how two
// versions are told apart in it.
type pageField struct {
	name string
	same func(a, b *Article) bool
}

// pageFields are the fields whose change is a new version. A reposting site
// must carry each exactly, so a correction of any one of them alone counts
// as a correction of the body does. What the program derives or records
// (ids, URLs and aliases, the channel of a cross-post, times of fetching
// and storing, what it learnt of media files, the content hash computed
// from these) never makes a version by itself; nor do body_html, whose text
// is the paragraphs' (a markup-only change is no edit), and modified_at, the
// site's own stamp, which moves without a visible change.
var pageFields = []pageField{
	{"title", func(a, b *Article) bool { return a.Title == b.Title }},
	{"kicker", func(a, b *Article) bool { return a.Kicker == b.Kicker }},
	{"subtitle", func(a, b *Article) bool { return a.Subtitle == b.Subtitle }},
	// Equal, not ==: a time decoded from the archive and one just parsed
	// name the same instant with different locations.
	{"published_at", func(a, b *Article) bool { return a.PublishedAt.Equal(b.PublishedAt) }},
	{"source", func(a, b *Article) bool { return a.Source == b.Source }},
	{"author", func(a, b *Article) bool { return a.Author == b.Author }},
	{"editor", func(a, b *Article) bool { return a.Editor == b.Editor }},
	{"paragraphs", func(a, b *Article) bool { return slices.Equal(a.Paragraphs, b.Paragraphs) }},
	{"images", func(a, b *Article) bool { return slices.EqualFunc(a.Images, b.Images, sameImage) }},
	{"attachments", func(a, b *Article) bool { return slices.EqualFunc(a.Attachments, b.Attachments, sameAttachment) }},
	{"cases", func(a, b *Article) bool { return slices.EqualFunc(a.Cases, b.Cases, sameCase) }},
	{"document", func(a, b *Article) bool { return documentOf(a) == documentOf(b) }},
}

// VersionFields lists, by their export names, the fields whose change makes
// a new version (README "Export schema" names the same).
func VersionFields() []string {
	out := make([]string, len(pageFields))
	for i, f := range pageFields {
		out[i] = f.name
	}
	return out
}

// Revision is the versioning rule every backend applies when an article it
// stores is fetched again: the fields of VersionFields in which fetched
// differs from stored. It reads nothing but the two articles.
func Revision(stored, fetched *Article) Change {
	var c Change
	for _, f := range pageFields {
		if !f.same(stored, fetched) {
			c.Fields = append(c.Fields, f.name)
		}
	}
	return c
}

// Refetched is what storing fetched does to the article stored under its
// id (stored): Aliased when fetched was read at a URL the article is not
// stored under yet, Updated when Revision finds a field changed, Restored
// when the site shows again what it had withdrawn, else Unchanged. Every
// backend's upsert decides by it, reading nothing but the two articles.
func Refetched(stored, fetched *Article) Outcome {
	switch {
	case fetched.URL != stored.URL && !slices.Contains(stored.Aliases, fetched.URL):
		return Aliased
	case Revision(stored, fetched).Revised():
		// Any field the site published changed, the text or only 来源,
		// 作者, the time, the cases read from it: a version of its own.
		return Updated
	case !stored.WithdrawnAt.IsZero():
		return Restored
	}
	return Unchanged
}

// sameImage compares what the page says of an image, not what the archive
// learnt of its file (Media).
func sameImage(a, b Image) bool { return a.URL == b.URL && a.Alt == b.Alt }

func sameAttachment(a, b Attachment) bool { return a.URL == b.URL && a.Name == b.Name }

func sameCase(a, b Case) bool {
	return a.Number == b.Number && a.Title == b.Title && slices.Equal(a.Keywords, b.Keywords) &&
		slices.EqualFunc(a.Sections, b.Sections, func(x, y Section) bool {
			return x.Heading == y.Heading && slices.Equal(x.Paragraphs, y.Paragraphs)
		})
}

// documentOf is the document header, the zero one when there is none: an
// empty header and none are the same statement.
func documentOf(a *Article) Document {
	if a.Document == nil {
		return Document{}
	}
	return *a.Document
}
