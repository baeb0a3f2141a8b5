package diff

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"sppcrawl"
)

// Op is what a span or a paragraph of a diff is.
type Op int

// Ops. A span is Equal, Delete or Insert; a paragraph any of the four.
const (
	Equal  Op = iota // unchanged: "same"
	Delete           // only in the older version: "removed"
	Insert           // only in the newer version: "added"
	Change           // a paragraph in both, changed: "changed"
)

var opNames = [...]string{Equal: "same", Delete: "removed", Insert: "added", Change: "changed"}

// String is the op's word, as the history's summaries and diffs print it.
func (o Op) String() string {
	if o < 0 || int(o) >= len(opNames) {
		return fmt.Sprintf("Op(%d)", int(o))
	}
	return opNames[o]
}

// MarshalText writes the op as its word, so JSON carries "added", never a
// number that would change meaning if the ops were reordered.
func (o Op) MarshalText() ([]byte, error) {
	if o < 0 || int(o) >= len(opNames) {
		return nil, fmt.Errorf("diff op %d: not an op", int(o))
	}
	return []byte(opNames[o]), nil
}

// Span is a run of characters of a character diff.
type Span struct {
	Op   Op
	Text string
}

// Chars marks the differences of two texts character by character,
// grouped into readable runs.
func Chars(a, b string) []Span {
	dmp := diffmatchpatch.New()
	ds := dmp.DiffCleanupSemantic(dmp.DiffMain(a, b, false))
	out := make([]Span, 0, len(ds))
	for _, d := range ds {
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = Delete
		case diffmatchpatch.DiffInsert:
			op = Insert
		}
		out = append(out, Span{op, d.Text})
	}
	return out
}

// Inline writes a character diff as text: [-removed-]{+added+}.
func Inline(spans []Span) string {
	var s strings.Builder
	for _, sp := range spans {
		switch sp.Op {
		case Equal:
			s.WriteString(sp.Text)
		case Delete:
			s.WriteString("[-" + sp.Text + "-]")
		case Insert:
			s.WriteString("{+" + sp.Text + "+}")
		}
	}
	return s.String()
}

// Paragraph is one paragraph of a diff: Old "" is an added paragraph, New ""
// a removed one, both set a changed (or, equal, an unchanged) one. Pos is
// its 1-based position in the newer version (in the older for a removal).
type Paragraph struct {
	Old, New string
	Pos      int
}

// Op says what happened to the paragraph.
func (p Paragraph) Op() Op {
	switch {
	case p.Old == p.New:
		return Equal
	case p.Old == "":
		return Insert
	case p.New == "":
		return Delete
	}
	return Change
}

// Paragraphs pairs the paragraphs of two versions: a line diff over whole
// paragraphs, a removed run followed by an added one read as changed
// paragraphs, pair by pair.
func Paragraphs(a, b []string) []Paragraph {
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n")
	ds := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines)
	split := func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
	var out []Paragraph
	posA, posB := 0, 0
	for i := 0; i < len(ds); i++ {
		d := ds[i]
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for _, p := range split(d.Text) {
				posA++
				posB++
				out = append(out, Paragraph{p, p, posB})
			}
		case diffmatchpatch.DiffDelete:
			del := split(d.Text)
			var ins []string
			if i+1 < len(ds) && ds[i+1].Type == diffmatchpatch.DiffInsert {
				ins = split(ds[i+1].Text)
				i++
			}
			for k := 0; k < max(len(del), len(ins)); k++ {
				switch {
				case k < len(del) && k < len(ins):
					posA++
					posB++
					out = append(out, Paragraph{del[k], ins[k], posB})
				case k < len(del):
					posA++
					out = append(out, Paragraph{del[k], "", posA})
				default:
					posB++
					out = append(out, Paragraph{"", ins[k], posB})
				}
			}
		case diffmatchpatch.DiffInsert:
			for _, p := range split(d.Text) {
				posB++
				out = append(out, Paragraph{"", p, posB})
			}
		}
	}
	return out
}

// Field is a header field that differs between two versions.
type Field struct {
	Name     string // as the export schema names it
	Old, New string
}

// Fields lists the header fields that differ (title, kicker, subtitle,
// dates, 来源, 作者, 责任编辑, channel). known says whether both versions
// kept their text: versions archived before sppcrawl kept every version
// whole have only a title.
func Fields(a, b *sppcrawl.Article, known bool) []Field {
	tm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	all := []Field{
		{"title", a.Title, b.Title}, {"kicker", a.Kicker, b.Kicker}, {"subtitle", a.Subtitle, b.Subtitle},
		{"published_at", tm(a.PublishedAt), tm(b.PublishedAt)}, {"modified_at", tm(a.ModifiedAt), tm(b.ModifiedAt)},
		{"source", a.Source, b.Source}, {"author", a.Author, b.Author}, {"editor", a.Editor, b.Editor},
		{"channel", a.Channel, b.Channel}, {"channel_path", a.ChannelPath, b.ChannelPath},
	}
	var out []Field
	for _, f := range all {
		if f.Old != f.New && (known || f.Name == "title") {
			out = append(out, f)
		}
	}
	return out
}

// Lists is a diff of two lists of URLs or names (images, attachments): what
// one has that the other has not.
func Lists(a, b []string) (removed, added []string) {
	for _, x := range a {
		if !slices.Contains(b, x) {
			removed = append(removed, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			added = append(added, x)
		}
	}
	return removed, added
}

// Images lists an article's images as a diff shows them: the alt text, if
// any, then the URL, so a changed caption shows as well as another file.
func Images(a *sppcrawl.Article) []string {
	var s []string
	for _, i := range a.Images {
		s = append(s, strings.TrimSpace(i.Alt+" "+i.URL))
	}
	return s
}

// Attachments lists an article's attachments as a diff shows them: name
// and URL.
func Attachments(a *sppcrawl.Article) []string {
	var s []string
	for _, at := range a.Attachments {
		s = append(s, strings.TrimSpace(at.Name+" "+at.URL))
	}
	return s
}

// Changes says of each version (oldest first, with whether its text was
// kept) how it differs from the one before, as Summary does; "" for the
// first.
func Changes(versions []*sppcrawl.Article, known []bool) []string {
	out := make([]string, len(versions))
	for i := 1; i < len(versions); i++ {
		out[i] = Summary(versions[i-1], versions[i], known[i-1] && known[i])
	}
	return out
}

// Summary says in one line how version b differs from version a: "title
// changed; paragraphs: 1 changed, 1 added" (the CHANGES column of history
// and the web UI's timeline).
func Summary(a, b *sppcrawl.Article, known bool) string {
	var out []string
	for _, f := range Fields(a, b, known) {
		// The header fields whose change makes a version; the channel a
		// cross-post was read from and the site's own stamp make none.
		if !slices.Contains([]string{"channel", "channel_path", "modified_at"}, f.Name) {
			out = append(out, f.Name+" changed")
		}
	}
	if !known {
		return strings.Join(append(out, "text not kept (archived before every version was kept)"), "; ")
	}
	var n [len(opNames)]int
	for _, p := range Paragraphs(a.Paragraphs, b.Paragraphs) {
		n[p.Op()]++
	}
	var ps []string
	for _, op := range []Op{Change, Insert, Delete} {
		if n[op] > 0 {
			ps = append(ps, fmt.Sprintf("%d %s", n[op], op))
		}
	}
	if len(ps) > 0 {
		out = append(out, "paragraphs: "+strings.Join(ps, ", "))
	}
	out = append(out, listSummary("images", Images(a), Images(b))...)
	out = append(out, listSummary("attachments", Attachments(a), Attachments(b))...)
	if len(a.Cases) != len(b.Cases) {
		out = append(out, fmt.Sprintf("cases: %d → %d", len(a.Cases), len(b.Cases)))
	} else if !reflect.DeepEqual(a.Cases, b.Cases) {
		out = append(out, "cases changed")
	}
	if !reflect.DeepEqual(a.Document, b.Document) {
		out = append(out, "document header changed")
	}
	if len(out) == 0 {
		return "no text change"
	}
	return strings.Join(out, "; ")
}

// listSummary says how a list of images or attachments changed: "images: 1
// added, 1 removed"; "images reordered" for the same ones in another order.
func listSummary(name string, a, b []string) []string {
	removed, added := Lists(a, b)
	var ps []string
	if len(added) > 0 {
		ps = append(ps, fmt.Sprintf("%d added", len(added)))
	}
	if len(removed) > 0 {
		ps = append(ps, fmt.Sprintf("%d removed", len(removed)))
	}
	switch {
	case len(ps) > 0:
		return []string{name + ": " + strings.Join(ps, ", ")}
	case !slices.Equal(a, b):
		return []string{name + " reordered"}
	}
	return nil
}
