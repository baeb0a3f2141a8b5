package publish

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sergi/go-diff/diffmatchpatch"

	"sppcrawl/extract"
	"sppcrawl/store"
)

// History is every version of an article: `sppcrawl history --format json`
// and GET /api/articles/{id}/versions.
type History struct {
	ID       string          `json:"id"`
	URL      string          `json:"url"`
	Versions []store.Version `json:"versions"`
}

// GetHistory reads the versions of the article with the given id or URL
// (canonical or alias).
func GetHistory(ctx context.Context, db *store.DB, idOrURL string) (*History, error) {
	id := idOrURL
	if strings.Contains(idOrURL, "/") {
		u, err := extract.CanonicalURL(idOrURL)
		if err != nil {
			return nil, err
		}
		st, err := db.GetByURL(ctx, u)
		if err != nil {
			return nil, err
		}
		id = st.ID
	}
	vs, err := db.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	h := &History{ID: id, Versions: vs}
	var cur struct {
		URL string `json:"url"`
	}
	json.Unmarshal(vs[len(vs)-1].Article, &cur)
	h.URL = cur.URL
	return h, nil
}

// article decodes version i (0-based); known says whether its text was
// kept (versions replaced before sppcrawl kept them whole hold only a title).
func (h *History) article(i int) (a *extract.Article, known bool) {
	a = &extract.Article{}
	var probe map[string]json.RawMessage
	json.Unmarshal(h.Versions[i].Article, &probe)
	json.Unmarshal(h.Versions[i].Article, a)
	_, known = probe["paragraphs"]
	return a, known
}

// Version returns version n's article JSON, or store.ErrNotFound.
func (h *History) Version(n int) ([]byte, error) {
	for _, v := range h.Versions {
		if v.Version == n {
			return v.Article, nil
		}
	}
	return nil, fmt.Errorf("version %d of %s: %w", n, h.ID, store.ErrNotFound)
}

// WriteText lists the versions for a person: when stored and replaced, the
// content hash, and what changed from the version before.
func (h *History) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s  %s  %d versions\n\n", h.ID, h.URL, len(h.Versions))
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTORED\tREPLACED\tCONTENT HASH\tCHANGES")
	for i, v := range h.Versions {
		replaced := "current"
		if v.ReplacedAt != nil {
			replaced = localTime(*v.ReplacedAt)
		}
		changes := "first version seen"
		if i > 0 {
			changes = h.changes(i-1, i)
		}
		if a, _ := h.article(i); !a.WithdrawnAt.IsZero() {
			changes += "; withdrawn by the site " + localTime(a.WithdrawnAt)
		}
		fmt.Fprintf(tw, "v%d\t%s\t%s\t%.12s\t%s\n", v.Version, localTime(v.StoredAt), replaced, v.ContentHash, changes)
	}
	tw.Flush()
	return bw.Flush()
}

// changes summarises how version j differs from version i.
func (h *History) changes(i, j int) string {
	a, aKnown := h.article(i)
	b, bKnown := h.article(j)
	var out []string
	for _, f := range []struct{ name, x, y string }{
		{"title", a.Title, b.Title}, {"kicker", a.Kicker, b.Kicker}, {"subtitle", a.Subtitle, b.Subtitle}, {"source", a.Source, b.Source},
	} {
		if (aKnown && bKnown || f.name == "title") && f.x != f.y {
			out = append(out, f.name+" changed")
		}
	}
	if !aKnown || !bKnown {
		return strings.Join(append(out, "text not kept (archived before every version was kept)"), "; ")
	}
	var changed, added, removed int
	for _, c := range alignParagraphs(a.Paragraphs, b.Paragraphs) {
		switch {
		case c.old == "":
			added++
		case c.new == "":
			removed++
		case c.old != c.new:
			changed++
		}
	}
	var ps []string
	for _, c := range []struct {
		n    int
		what string
	}{{changed, "changed"}, {added, "added"}, {removed, "removed"}} {
		if c.n > 0 {
			ps = append(ps, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(ps) > 0 {
		out = append(out, "paragraphs: "+strings.Join(ps, ", "))
	}
	if len(out) == 0 {
		return "no text change"
	}
	return strings.Join(out, "; ")
}

// parChange is one paragraph of a diff: old "" is an added paragraph, new ""
// a removed one, both set a changed (or, equal, an unchanged) one. pos is
// its 1-based position in the newer version (in the older for a removal).
type parChange struct {
	old, new string
	pos      int
}

// alignParagraphs pairs the paragraphs of two versions: a line diff over
// whole paragraphs, a removed run followed by an added one read as changed
// paragraphs, pair by pair.
func alignParagraphs(a, b []string) []parChange {
	dmp := diffmatchpatch.New()
	ra, rb, lines := dmp.DiffLinesToRunes(strings.Join(a, "\n")+"\n", strings.Join(b, "\n")+"\n")
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), lines)
	split := func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
	var out []parChange
	posA, posB := 0, 0
	for i := 0; i < len(diffs); i++ {
		d := diffs[i]
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for _, p := range split(d.Text) {
				posA++
				posB++
				out = append(out, parChange{p, p, posB})
			}
		case diffmatchpatch.DiffDelete:
			del := split(d.Text)
			var ins []string
			if i+1 < len(diffs) && diffs[i+1].Type == diffmatchpatch.DiffInsert {
				ins = split(diffs[i+1].Text)
				i++
			}
			for k := 0; k < max(len(del), len(ins)); k++ {
				switch {
				case k < len(del) && k < len(ins):
					posA++
					posB++
					out = append(out, parChange{del[k], ins[k], posB})
				case k < len(del):
					posA++
					out = append(out, parChange{del[k], "", posA})
				default:
					posB++
					out = append(out, parChange{"", ins[k], posB})
				}
			}
		case diffmatchpatch.DiffInsert:
			for _, p := range split(d.Text) {
				posB++
				out = append(out, parChange{"", p, posB})
			}
		}
	}
	return out
}

// WriteDiff writes the text differences between versions from and to: the
// header fields, then per paragraph, and inside a changed paragraph at
// character level ([-removed-]{+added+}), since Chinese has no spaces to
// split words on.
func (h *History) WriteDiff(w io.Writer, from, to int) error {
	i, j := -1, -1
	for k, v := range h.Versions {
		if v.Version == from {
			i = k
		}
		if v.Version == to {
			j = k
		}
	}
	if i < 0 || j < 0 {
		return fmt.Errorf("%s has versions 1 to %d: no v%d..v%d: %w", h.ID, len(h.Versions), from, to, store.ErrNotFound)
	}
	bw := bufio.NewWriter(w)
	a, aKnown := h.article(i)
	b, bKnown := h.article(j)
	fmt.Fprintf(bw, "--- %s v%d (stored %s)\n+++ %s v%d (stored %s)\n", h.ID, from, localTime(h.Versions[i].StoredAt), h.ID, to, localTime(h.Versions[j].StoredAt))
	for _, f := range []struct{ name, x, y string }{
		{"title", a.Title, b.Title}, {"kicker", a.Kicker, b.Kicker}, {"subtitle", a.Subtitle, b.Subtitle},
		{"source", a.Source, b.Source}, {"author", a.Author, b.Author},
	} {
		if f.x != f.y && (aKnown && bKnown || f.name == "title") {
			fmt.Fprintf(bw, "@@ %s\n  %s\n", f.name, charDiff(f.x, f.y))
		}
	}
	if !aKnown || !bKnown {
		fmt.Fprintf(bw, "@@ paragraphs\n  (the text of v%d was not kept: archived before every version was kept)\n", h.Versions[min(i, j)].Version)
		return bw.Flush()
	}
	same := true
	for _, c := range alignParagraphs(a.Paragraphs, b.Paragraphs) {
		switch {
		case c.old == c.new:
			continue
		case c.old == "":
			fmt.Fprintf(bw, "@@ paragraph %d added\n  + %s\n", c.pos, c.new)
		case c.new == "":
			fmt.Fprintf(bw, "@@ paragraph %d removed\n  - %s\n", c.pos, c.old)
		default:
			fmt.Fprintf(bw, "@@ paragraph %d changed\n  %s\n", c.pos, charDiff(c.old, c.new))
		}
		same = false
	}
	if same {
		fmt.Fprintln(bw, "(paragraphs unchanged)")
	}
	return bw.Flush()
}

// charDiff marks the differences of two texts inline, character by
// character, grouped into readable runs.
func charDiff(a, b string) string {
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(a, b, false))
	var s strings.Builder
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			s.WriteString(d.Text)
		case diffmatchpatch.DiffDelete:
			s.WriteString("[-" + d.Text + "-]")
		case diffmatchpatch.DiffInsert:
			s.WriteString("{+" + d.Text + "+}")
		}
	}
	return s.String()
}

// ParseVersionRange reads --diff's A..B (or "" for every consecutive pair).
func ParseVersionRange(s string) (from, to int, err error) {
	if _, err := fmt.Sscanf(s, "%d..%d", &from, &to); err != nil || from < 1 || to < 1 || from == to {
		return 0, 0, errors.New("want A..B with two different version numbers, such as 1..3")
	}
	return from, to, nil
}

// WriteDiffs writes the differences between versions from and to, or (both
// 0) between every two consecutive versions.
func (h *History) WriteDiffs(w io.Writer, from, to int) error {
	if from > 0 {
		return h.WriteDiff(w, from, to)
	}
	for i := 1; i < len(h.Versions); i++ {
		if err := h.WriteDiff(w, h.Versions[i-1].Version, h.Versions[i].Version); err != nil {
			return err
		}
	}
	return nil
}

// DiffFlag is history's --diff: alone (every two consecutive versions) or
// with a range (--diff=1..3; "--diff 1..3" is taken apart by the command).
type DiffFlag struct {
	On    bool
	Range string
}

func (d *DiffFlag) String() string   { return d.Range }
func (d *DiffFlag) IsBoolFlag() bool { return true }

// Set takes true, false or a range.
func (d *DiffFlag) Set(s string) error {
	d.On = s != "false"
	if s != "true" && s != "false" {
		d.Range = s
	}
	return nil
}

// Versions reads the range: 0, 0 when none was given.
func (d *DiffFlag) Versions() (from, to int, err error) {
	if d.Range == "" {
		return 0, 0, nil
	}
	if from, to, err = ParseVersionRange(d.Range); err != nil {
		return 0, 0, fmt.Errorf("--diff %s: %v", d.Range, err)
	}
	return from, to, nil
}
