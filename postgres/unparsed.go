package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// maxUnparsedURL bounds the URLs kept, as the bbolt store does, so that an
// archive copied either way keeps the same pages.
const maxUnparsedURL = 2048

// KeepUnparsed keeps the raw page of a page at an article URL that no
// template of its site reads, replacing the one kept before.
func (db *DB) KeepUnparsed(ctx context.Context, raw *sppcrawl.RawPage) error {
	err := db.tx(ctx, func(tx pgx.Tx) error { return keepUnparsed(ctx, tx, raw) })
	return wrap("keep unparsed page "+raw.URL, err)
}

// keepUnparsed is KeepUnparsed in tx.
func keepUnparsed(ctx context.Context, tx pgx.Tx, raw *sppcrawl.RawPage) error {
	if len(raw.URL) > maxUnparsedURL {
		return fmt.Errorf("keep unparsed page %.80s…: URL over %d bytes", raw.URL, maxUnparsedURL)
	}
	hdr, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("keep unparsed page %s: %w", raw.URL, err)
	}
	body := raw.Body
	if body == nil {
		body = []byte{}
	}
	_, err = tx.Exec(ctx, `INSERT INTO unparsed (url, header, body) VALUES ($1, $2, $3)
		ON CONFLICT (url) DO UPDATE SET header = EXCLUDED.header, body = EXCLUDED.body`, raw.URL, string(hdr), body)
	return err
}

// Unparsed lists the URLs of the pages kept unparsed, in byte order.
func (db *DB) Unparsed(ctx context.Context) ([]string, error) {
	rows, err := db.rd().Query(ctx, "SELECT url FROM unparsed ORDER BY url")
	if err != nil {
		return nil, fmt.Errorf("unparsed pages: %w", err)
	}
	urls, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("unparsed pages: %w", err)
	}
	return urls, nil
}

// UnparsedPage is the page kept unparsed at url, nil if none.
func (db *DB) UnparsedPage(ctx context.Context, url string) (*sppcrawl.RawPage, error) {
	var hdr string
	var body []byte
	err := db.rd().QueryRow(ctx, "SELECT header, body FROM unparsed WHERE url = $1", url).Scan(&hdr, &body)
	switch {
	case noRows(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("unparsed page %s: %w", url, err)
	}
	p, err := decodeRaw(hdr, body)
	if err != nil {
		return nil, fmt.Errorf("unparsed page %s: %w", url, err)
	}
	return p, nil
}

// dropUnparsed forgets the page kept unparsed at url: it is stored as an
// article now.
func (w *wtx) dropUnparsed(url string) error {
	_, err := w.Exec(w.ctx, "DELETE FROM unparsed WHERE url = $1", url)
	return err
}
