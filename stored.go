package sppcrawl

import (
	"encoding/json"
	"fmt"
	"time"
)

// Stored is an article with what the archive knows about it beyond the
// article.
type Stored struct {
	*Article
	LastCheckedAt time.Time
}

// Version is one version of an article, for `sppcrawl history` and the
// versions endpoints.
type Version struct {
	Version     int        `json:"version"`
	ContentHash string     `json:"content_hash"`
	StoredAt    time.Time  `json:"stored_at"`
	ReplacedAt  *time.Time `json:"replaced_at"` // null for the current version
	// Article is the whole article JSON of that version, as exported then.
	// Versions replaced before sppcrawl kept them whole (schema 1) hold only
	// id, url, title, content_hash and version.
	Article json.RawMessage `json:"article"`
	// HasRaw says whether the page the version came from is kept.
	HasRaw bool `json:"-"`
}

// History is every version of an article: `sppcrawl history --format json`
// and GET /api/articles/{id}/versions.
type History struct {
	ID       string    `json:"id"`
	URL      string    `json:"url"`
	Versions []Version `json:"versions"`
}

// Article decodes version i (0-based); known says whether its text was kept
// (versions replaced before sppcrawl kept them whole hold only a title).
func (h *History) Article(i int) (a *Article, known bool) {
	a = &Article{}
	var probe map[string]json.RawMessage
	json.Unmarshal(h.Versions[i].Article, &probe)
	json.Unmarshal(h.Versions[i].Article, a)
	_, known = probe["paragraphs"]
	return a, known
}

// Articles decodes every version once, oldest first, with whether its
// text was kept.
func (h *History) Articles() ([]*Article, []bool) {
	arts, known := make([]*Article, len(h.Versions)), make([]bool, len(h.Versions))
	for i := range h.Versions {
		arts[i], known[i] = h.Article(i)
	}
	return arts, known
}

// Index is the position in Versions of version n, -1 when there is none.
func (h *History) Index(n int) int {
	for i, v := range h.Versions {
		if v.Version == n {
			return i
		}
	}
	return -1
}

// Version returns version n's article JSON, or ErrNotFound.
func (h *History) Version(n int) ([]byte, error) {
	if i := h.Index(n); i >= 0 {
		return h.Versions[i].Article, nil
	}
	return nil, fmt.Errorf("version %d of %s: %w", n, h.ID, ErrNotFound)
}

// Earlier decodes the replaced versions whose whole text was kept (not
// those an archive of schema 1 replaced), oldest first.
func (h *History) Earlier() []*Article {
	var out []*Article
	for i := range len(h.Versions) - 1 {
		if a, known := h.Article(i); known {
			out = append(out, a)
		}
	}
	return out
}

// ArticleAt decodes version n (its number, not its place), if its whole
// text was kept.
func (h *History) ArticleAt(n int) (*Article, bool) {
	if i := h.Index(n); i >= 0 {
		return h.Article(i)
	}
	return nil, false
}
