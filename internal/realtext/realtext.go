// Package realtext is text in the site's own words for benchmarks: the
// sentences of the real pages in ../shared/realpages, drawn into articles.
package realtext

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/sites"
)

// Dir is where the real pages are, seen from a package's folder.
const Dir = "../../shared/realpages"

// Sentences are the sentences (up to and with their 。) of the paragraphs
// of the real detail pages in dir; os.ErrNotExist when there are none.
func Sentences(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*detail*.html"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no real detail pages: %w", dir, os.ErrNotExist)
	}
	var out []string
	for _, name := range names {
		body, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		a, err := sites.Default().ParseArticle(body, "https://www.spp.gov.cn/spp/x/t20260101_1.shtml", "text/html")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range a.Paragraphs {
			for _, s := range strings.SplitAfter(p, "。") {
				if strings.TrimSpace(s) != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out, nil
}

// Load is Sentences of Dir for a test or benchmark, which is skipped when
// the real pages are absent.
func Load(tb testing.TB) []string {
	tb.Helper()
	s, err := Sentences(Dir)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Paragraphs is an article body of the live site's length (~1,250
// characters on average, as its news articles have: ~7 KB of JSON) made of
// drawn sentences, a few to a paragraph.
func Paragraphs(r *rand.Rand, sentences []string) []string {
	want := 800 + r.IntN(900)
	var out []string
	for n := 0; n < want; {
		p := sentences[r.IntN(len(sentences))]
		for r.IntN(3) == 0 {
			p += sentences[r.IntN(len(sentences))]
		}
		out = append(out, p)
		n += len([]rune(p))
	}
	return out
}
