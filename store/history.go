package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"sppcrawl"
)

// History is every version of an article: `sppcrawl history --format json`
// and GET /api/articles/{id}/versions.
type History struct {
	ID       string    `json:"id"`
	URL      string    `json:"url"`
	Versions []Version `json:"versions"`
}

// History reads the versions of the article with the given id or URL
// (canonical or alias).
func (db *DB) History(ctx context.Context, idOrURL string) (*History, error) {
	id := idOrURL
	if strings.Contains(idOrURL, "/") {
		u, err := db.site.CanonicalURL(idOrURL)
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
	if err := json.Unmarshal(vs[len(vs)-1].Article, &cur); err != nil {
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	h.URL = cur.URL
	return h, nil
}

// Article decodes version i (0-based); known says whether its text was kept
// (versions replaced before sppcrawl kept them whole hold only a title).
func (h *History) Article(i int) (a *sppcrawl.Article, known bool) {
	a = &sppcrawl.Article{}
	var probe map[string]json.RawMessage
	json.Unmarshal(h.Versions[i].Article, &probe)
	json.Unmarshal(h.Versions[i].Article, a)
	_, known = probe["paragraphs"]
	return a, known
}

// Articles decodes every version once, oldest first, with whether its
// text was kept.
func (h *History) Articles() ([]*sppcrawl.Article, []bool) {
	arts, known := make([]*sppcrawl.Article, len(h.Versions)), make([]bool, len(h.Versions))
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
