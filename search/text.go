package search

import (
	"hash/fnv"
	"strings"

	"sppcrawl"
)

// fields are an article's texts by column (see columns), each a list of
// segments — paragraphs, keywords, numbers — that no match spans, as no
// Ctrl-F match spans two paragraphs.
func fields(a *sppcrawl.Article) [][]string {
	var numbers, keywords []string
	if a.Document != nil && a.Document.Number != "" {
		numbers = append(numbers, a.Document.Number)
	}
	for _, c := range a.Cases {
		if c.Number != "" {
			numbers = append(numbers, c.Number)
		}
		keywords = append(keywords, c.Keywords...)
	}
	return [][]string{{a.Title}, {a.Kicker}, {a.Subtitle}, a.Paragraphs, numbers, keywords, {a.Source}, {a.Author}}
}

// indexed is what the two tables hold of an article: per column, the
// folded segments one per line (trigram table; a line break is in no
// query term, so no match spans two segments), and the tokens of every
// column's characters and character pairs (short-term table); fp
// fingerprints both.
type indexed struct {
	tri []any
	uni string
	fp  int64
}

// size is the bytes of text the row holds.
func (in indexed) size() int {
	n := len(in.uni)
	for _, t := range in.tri {
		n += len(t.(string))
	}
	return n
}

func indexedOf(fs [][]string) indexed {
	in := indexed{tri: make([]any, len(fs))}
	grams := make([]byte, 0, 4096)
	h := fnv.New64a()
	for i, segs := range fs {
		folded := make([]string, 0, len(segs))
		for _, s := range segs {
			if s != "" {
				folded = append(folded, foldString(s))
			}
		}
		t := strings.Join(folded, "\n")
		in.tri[i] = t
		grams = appendGrams(grams, i, folded)
		h.Write([]byte(t))
		h.Write([]byte{0})
	}
	in.uni = string(grams)
	in.fp = int64(h.Sum64() >> 1)
	return in
}

// Matches says whether the article holds the query, read from its text as
// the index would match it (folded, paragraph by paragraph): a query as a
// filter of single articles (push's subscriptions), without the index.
func (q Query) Matches(a *sppcrawl.Article) bool {
	if !q.Sites.Keeps(a) {
		return false
	}
	fs := fields(a)
	has := func(t Term) bool {
		for col, segs := range fs {
			if !t.looksIn(col) {
				continue
			}
			for _, s := range segs {
				if strings.Contains(foldString(s), t.folded) {
					return true
				}
			}
		}
		return false
	}
	for _, c := range q.Clauses {
		found := false
		for _, t := range c.Terms {
			if has(t) {
				found = true
				break
			}
		}
		if found == c.Not {
			return false
		}
	}
	return true
}
