package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"sppcrawl"
)

// listed is an article as a list read it, with its keys.
type listed struct {
	a         *sppcrawl.Article
	seq       int64
	published int64
	id        string
}

func (db *DB) list(ctx context.Context, query string, args ...any) ([]listed, error) {
	rows, err := db.rd().Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	var out []listed
	for rows.Next() {
		var l listed
		var doc string
		if err := rows.Scan(&l.seq, &l.published, &l.id, &doc); err != nil {
			return nil, fmt.Errorf("list: %w", err)
		}
		if l.a, err = decodeArticle(doc); err != nil {
			return nil, fmt.Errorf("article %s: %w", l.id, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Latest is up to n articles that keep accepts (nil: all), most recently
// created or updated first.
func (db *DB) Latest(ctx context.Context, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	return db.Recent(ctx, time.Time{}, n, math.MaxInt, keep)
}

// Recent is up to n articles stored, corrected or withdrawn since since,
// latest first, looking at no more than scan records.
func (db *DB) Recent(ctx context.Context, since time.Time, n, scan int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	var out []*sppcrawl.Article
	before, seen := int64(math.MaxInt64), 0
	for len(out) < n && seen < scan {
		ls, err := db.list(ctx, "SELECT seq, published, id, doc FROM articles WHERE seq < $1 ORDER BY seq DESC LIMIT $2", before, page)
		if err != nil {
			return out, err
		}
		for _, l := range ls {
			if len(out) == n || seen == scan {
				break
			}
			seen++
			if l.a.UpdatedAt.Before(since) && l.a.WithdrawnAt.Before(since) {
				return out, nil
			}
			if keep == nil || keep(l.a) {
				out = append(out, l.a)
			}
			before = l.seq
		}
		if len(ls) < page {
			break
		}
	}
	return out, nil
}

// LatestInChannel is up to n articles of a channel, newest published first.
func (db *DB) LatestInChannel(ctx context.Context, path string, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	return db.ChannelPage(ctx, path, time.Time{}, n, keep)
}

// ChannelPage is LatestInChannel for those published before before (zero:
// all), as the bbolt store orders them: by publication second, then id.
func (db *DB) ChannelPage(ctx context.Context, path string, before time.Time, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	var out []*sppcrawl.Article
	pub, id := int64(math.MaxInt64), ""
	if !before.IsZero() {
		pub = max(before.Unix(), 0)
	}
	for len(out) < n {
		ls, err := db.list(ctx, `SELECT seq, published, id, doc FROM articles
			WHERE channel_path = $1 AND (published < $2 OR (published = $2 AND id < $3))
			ORDER BY published DESC, id DESC LIMIT $4`, path, pub, id, page)
		if err != nil {
			return out, err
		}
		for _, l := range ls {
			if len(out) == n {
				break
			}
			if keep == nil || keep(l.a) {
				out = append(out, l.a)
			}
			pub, id = l.published, l.id
		}
		if len(ls) < page {
			break
		}
	}
	return out, nil
}

// CountByChannel counts the articles of each channel, with its newest.
func (db *DB) CountByChannel(ctx context.Context) ([]sppcrawl.ChannelCount, error) {
	rows, err := db.rd().Query(ctx, `SELECT channel_path, count(*),
			(array_agg(published ORDER BY published DESC, id DESC))[1],
			(array_agg(id ORDER BY published DESC, id DESC))[1]
		FROM articles GROUP BY channel_path ORDER BY channel_path`)
	if err != nil {
		return nil, fmt.Errorf("count by channel: %w", err)
	}
	defer rows.Close()
	var out []sppcrawl.ChannelCount
	for rows.Next() {
		var c sppcrawl.ChannelCount
		var n, newest int64
		if err := rows.Scan(&c.Path, &n, &newest, &c.NewestID); err != nil {
			return nil, fmt.Errorf("count by channel: %w", err)
		}
		c.Articles, c.Newest = int(n), time.Unix(newest, 0).In(sppcrawl.CST())
		out = append(out, c)
	}
	return out, rows.Err()
}
