package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"sppcrawl"
)

// History is every version of an article (the root package's).
type History = sppcrawl.History

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
