package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sppcrawl"
)

// page is how many rows a walk of the log reads per query: a walk holds no
// connection while its callback runs.
const page = 256

// decodeArticle decodes an article's stored JSON.
func decodeArticle(doc string) (*sppcrawl.Article, error) {
	var a sppcrawl.Article
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		return nil, fmt.Errorf("article: %w: %v", sppcrawl.ErrUndecodable, err)
	}
	return &a, nil
}

// articleByID is the article stored under id, nil if none.
func articleByID(ctx context.Context, q querier, id string) (*sppcrawl.Article, error) {
	var doc string
	err := q.QueryRow(ctx, "SELECT doc FROM articles WHERE id = $1", id).Scan(&doc)
	switch {
	case noRows(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	return decodeArticle(doc)
}

// Get is the article with the given id; ErrNotFound if there is none.
func (db *DB) Get(ctx context.Context, id string) (*sppcrawl.Stored, error) {
	var doc string
	var checked int64
	err := db.rd().QueryRow(ctx, "SELECT doc, checked FROM articles WHERE id = $1", id).Scan(&doc, &checked)
	switch {
	case noRows(err):
		return nil, notFound("article %s", id)
	case err != nil:
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	a, err := decodeArticle(doc)
	if err != nil {
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	return &sppcrawl.Stored{Article: a, LastCheckedAt: time.Unix(0, checked).In(sppcrawl.CST())}, nil
}

// GetByURL is the article stored under url, canonical or alias.
func (db *DB) GetByURL(ctx context.Context, url string) (*sppcrawl.Stored, error) {
	id, err := db.idOfURL(ctx, url)
	if err != nil {
		return nil, err
	}
	return db.Get(ctx, id)
}

func (db *DB) idOfURL(ctx context.Context, url string) (string, error) {
	var id string
	err := db.rd().QueryRow(ctx, "SELECT id FROM urls WHERE url = $1", url).Scan(&id)
	switch {
	case noRows(err):
		return "", notFound("article at %s", url)
	case err != nil:
		return "", fmt.Errorf("article at %s: %w", url, err)
	}
	return id, nil
}

// HasURL reports whether url is stored, as canonical URL or alias.
func (db *DB) HasURL(ctx context.Context, url string) (bool, error) {
	var ok bool
	err := db.rd().QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM urls WHERE url = $1)", url).Scan(&ok)
	return ok, err
}

// StoredArticle is the article stored under url, else under id; nil if neither.
func (db *DB) StoredArticle(ctx context.Context, url, id string) (*sppcrawl.Article, error) {
	s, err := db.GetByURL(ctx, url)
	if errors.Is(err, sppcrawl.ErrNotFound) {
		s, err = db.Get(ctx, id)
	}
	switch {
	case errors.Is(err, sppcrawl.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return s.Article, nil
}

// GetJSON is the article's JSON exactly as exported.
func (db *DB) GetJSON(ctx context.Context, id string) ([]byte, error) {
	var doc string
	err := db.rd().QueryRow(ctx, "SELECT doc FROM articles WHERE id = $1", id).Scan(&doc)
	switch {
	case noRows(err):
		return nil, notFound("article %s", id)
	case err != nil:
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	return []byte(doc), nil
}

// Raw is the page the article's current version came from.
func (db *DB) Raw(ctx context.Context, id string) (*sppcrawl.RawPage, error) {
	return rawPage(ctx, db.rd(), fmt.Sprintf("raw page of %s", id),
		"SELECT r.header, r.body FROM articles a JOIN raw_pages r ON r.key = a.raw_key WHERE a.id = $1", id)
}

// rawPage reads the page query selects (header, body); ErrNotFound,
// naming what, if there is none.
func rawPage(ctx context.Context, q querier, what, query string, args ...any) (*sppcrawl.RawPage, error) {
	var hdr string
	var body []byte
	err := q.QueryRow(ctx, query, args...).Scan(&hdr, &body)
	switch {
	case noRows(err):
		return nil, notFound("%s", what)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return decodeRaw(hdr, body)
}

func decodeRaw(hdr string, body []byte) (*sppcrawl.RawPage, error) {
	var p sppcrawl.RawPage
	if err := json.Unmarshal([]byte(hdr), &p); err != nil {
		return nil, fmt.Errorf("raw page: %w: %v", sppcrawl.ErrUndecodable, err)
	}
	p.Body = body
	return &p, nil
}

// ArticleWithCase is the article that states the case of number.
func (db *DB) ArticleWithCase(ctx context.Context, number string) (*sppcrawl.Article, error) {
	var doc string
	err := db.rd().QueryRow(ctx, "SELECT a.doc FROM case_numbers c JOIN articles a USING (id) WHERE c.number = $1", number).Scan(&doc)
	if err != nil && !noRows(err) {
		return nil, fmt.Errorf("case %s: %w", number, err)
	}
	if err == nil {
		a, err := decodeArticle(doc)
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", number, err)
		}
		for _, c := range a.Cases {
			if c.Number == number {
				return a, nil
			}
		}
	}
	return nil, notFound("case %s", number)
}

// Count is the number of articles.
func (db *DB) Count(ctx context.Context) (int, error) {
	return db.countOf(ctx, "SELECT count(*) FROM articles")
}

// Withdrawn is the number of articles withdrawn.
func (db *DB) Withdrawn(ctx context.Context) (int, error) {
	return db.countOf(ctx, "SELECT count(*) FROM articles WHERE withdrawn")
}

func (db *DB) countOf(ctx context.Context, query string, args ...any) (int, error) {
	var n int64
	if err := db.rd().QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return int(n), nil
}
