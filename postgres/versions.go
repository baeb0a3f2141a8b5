package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sppcrawl"
)

// historyID is the id of the article asked for by id, or by URL (with a
// slash, as bbolt tells them apart): as stored (canonical or alias), else
// as the site writes it (http://, a fragment, a path alone), as bbolt reads
// it.
func (db *DB) historyID(ctx context.Context, idOrURL string) (string, error) {
	if !strings.Contains(idOrURL, "/") {
		return idOrURL, nil
	}
	id, err := db.idOfURL(ctx, idOrURL)
	if !errors.Is(err, sppcrawl.ErrNotFound) {
		return id, err
	}
	u, err := sppcrawl.LegacySite().CanonicalURL(idOrURL)
	if err != nil {
		return "", err
	}
	return db.idOfURL(ctx, u)
}

// History is every version of the article with the given id or URL.
func (db *DB) History(ctx context.Context, idOrURL string) (*sppcrawl.History, error) {
	id, err := db.historyID(ctx, idOrURL)
	if err != nil {
		return nil, err
	}
	cur, err := db.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	vs, err := db.versions(ctx, id)
	if err != nil {
		return nil, err
	}
	var hasRaw bool
	if err := db.rd().QueryRow(ctx, "SELECT raw_key IS NOT NULL FROM articles WHERE id = $1", id).Scan(&hasRaw); err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	doc, err := db.GetJSON(ctx, id)
	if err != nil {
		return nil, err
	}
	vs = append(vs, sppcrawl.Version{Version: cur.Version, ContentHash: cur.ContentHash, StoredAt: cur.UpdatedAt, Article: doc, HasRaw: hasRaw})
	return &sppcrawl.History{ID: cur.ID, URL: cur.URL, Versions: vs}, nil
}

// versions are the replaced versions of id, oldest first.
func (db *DB) versions(ctx context.Context, id string) ([]sppcrawl.Version, error) {
	rows, err := db.rd().Query(ctx, "SELECT doc, raw_key IS NOT NULL FROM versions WHERE id = $1 ORDER BY version", id)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	defer rows.Close()
	var out []sppcrawl.Version
	for rows.Next() {
		var doc string
		var hasRaw bool
		if err := rows.Scan(&doc, &hasRaw); err != nil {
			return nil, fmt.Errorf("versions of %s: %w", id, err)
		}
		var r versionDoc
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return nil, fmt.Errorf("a version of %s: %w: %v", id, sppcrawl.ErrUndecodable, err)
		}
		replaced := r.ReplacedAt
		out = append(out, sppcrawl.Version{Version: r.Version, ContentHash: r.ContentHash, StoredAt: r.StoredAt,
			ReplacedAt: &replaced, Article: r.Article, HasRaw: hasRaw})
	}
	return out, rows.Err()
}

// ArticleVersion is version v of an article, current or earlier.
func (db *DB) ArticleVersion(ctx context.Context, id string, v int) (*sppcrawl.Article, error) {
	h, err := db.History(ctx, id)
	if err != nil {
		return nil, err
	}
	if a, known := h.ArticleAt(v); known {
		return a, nil
	}
	return nil, notFound("version %d of %s", v, id)
}

// VersionRaw is the page version v came from.
func (db *DB) VersionRaw(ctx context.Context, id string, v int) (*sppcrawl.RawPage, error) {
	var cur int
	switch err := db.rd().QueryRow(ctx, "SELECT (doc::json->>'version')::int FROM articles WHERE id = $1", id).Scan(&cur); {
	case noRows(err):
		return nil, notFound("article %s", id)
	case err != nil:
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	what := fmt.Sprintf("raw page of %s version %d", id, v)
	if v == cur {
		return rawPage(ctx, db.rd(), what, "SELECT r.header, r.body FROM articles a JOIN raw_pages r ON r.key = a.raw_key WHERE a.id = $1", id)
	}
	return rawPage(ctx, db.rd(), what, "SELECT r.header, r.body FROM versions v JOIN raw_pages r ON r.key = v.raw_key WHERE v.id = $1 AND v.version = $2", id, v)
}

// EarlierVersions are the replaced versions whose text was kept, oldest
// first.
func (db *DB) EarlierVersions(ctx context.Context, id string) ([]*sppcrawl.Article, error) {
	h, err := db.History(ctx, id)
	if err != nil {
		return nil, err
	}
	return h.Earlier(), nil
}

// OldestCheck is when the article checked longest ago was last checked.
func (db *DB) OldestCheck(ctx context.Context) (time.Time, error) {
	var t *int64
	if err := db.rd().QueryRow(ctx, "SELECT min(checked) FROM articles").Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("oldest check: %w", err)
	}
	if t == nil {
		return time.Time{}, nil
	}
	return time.Unix(0, *t), nil
}
