package postgres

import (
	"context"
	"fmt"

	"sppcrawl"
)

var _ sppcrawl.SiteCounter = (*DB)(nil)

// CountBySite counts the articles of each site by their ids' keys, with
// the host of their URLs.
func (db *DB) CountBySite(ctx context.Context) ([]sppcrawl.SiteCount, error) {
	rows, err := db.rd().Query(ctx, `SELECT k, count(*), min(substring(url from '^[a-z]+://([^/:]+)'))
		FROM (SELECT CASE WHEN strpos(id, '-') = 0 THEN '' ELSE left(id, length(id) - strpos(reverse(id), '-')) END AS k, url FROM articles) a
		GROUP BY k ORDER BY 3, k`)
	if err != nil {
		return nil, fmt.Errorf("count by site: %w", err)
	}
	defer rows.Close()
	var out []sppcrawl.SiteCount
	for rows.Next() {
		var c sppcrawl.SiteCount
		var n int64
		var host *string
		if err := rows.Scan(&c.Key, &n, &host); err != nil {
			return nil, fmt.Errorf("count by site: %w", err)
		}
		c.Articles, c.Site = int(n), c.Key
		if host != nil && *host != "" {
			c.Site = *host
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
