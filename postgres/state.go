package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"sppcrawl"

	"github.com/jackc/pgx/v5"
)

// getDoc decodes the document query selects into v; false if no row.
func getDoc(ctx context.Context, q querier, v any, query string, args ...any) (bool, error) {
	var doc string
	err := q.QueryRow(ctx, query, args...).Scan(&doc)
	switch {
	case noRows(err):
		return false, nil
	case err != nil:
		return false, err
	}
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return false, fmt.Errorf("%w: %v", sppcrawl.ErrUndecodable, err)
	}
	return true, nil
}

// eachDoc decodes every document query selects, in turn, into a T for fn.
func eachDoc[T any](ctx context.Context, q querier, fn func(T) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var docs []string
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			rows.Close()
			return err
		}
		docs = append(docs, doc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range docs {
		var x T
		if err := json.Unmarshal([]byte(d), &x); err != nil {
			return fmt.Errorf("%w: %v", sppcrawl.ErrUndecodable, err)
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// putDoc stores v as JSON with an upsert: query takes the key and the JSON.
func putDoc(ctx context.Context, q querier, query, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, query, key, string(b))
	return err
}

// ChannelState is the crawl's record of the default site's channel at
// path (its path only if it was never crawled).
func (db *DB) ChannelState(ctx context.Context, path string) (sppcrawl.ChannelState, error) {
	return db.channelState(ctx, defaultHost(), path)
}

func (db *DB) channelState(ctx context.Context, host, path string) (sppcrawl.ChannelState, error) {
	zero := sppcrawl.ChannelState{Path: path, Site: host}
	st := zero
	if ok, err := getDoc(ctx, db.rd(), &st, "SELECT doc FROM channel_states WHERE site = $1 AND path = $2", host, path); err != nil || !ok {
		return zero, wrap("channel state of "+host+path, err)
	}
	st.Site = host
	return st, nil
}

// PutChannelState stores the state of a channel of the default site.
func (db *DB) PutChannelState(ctx context.Context, st sppcrawl.ChannelState) error {
	return db.putChannelState(ctx, defaultHost(), st)
}

func (db *DB) putChannelState(ctx context.Context, host string, st sppcrawl.ChannelState) error {
	st.Site = host
	b, err := json.Marshal(st)
	if err == nil {
		err = db.tx(ctx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO channel_states (site, path, doc) VALUES ($1, $2, $3)
				ON CONFLICT (site, path) DO UPDATE SET doc = EXCLUDED.doc`, host, st.Path, string(b))
			return err
		})
	}
	return wrap("put channel state of "+host+st.Path, err)
}

// ChannelStates lists every channel crawled so far, of every site, by
// site then path.
func (db *DB) ChannelStates(ctx context.Context) ([]sppcrawl.ChannelState, error) {
	return db.channelStates(ctx, "")
}

// channelStates lists the channels of host crawled so far ("": all).
func (db *DB) channelStates(ctx context.Context, host string) ([]sppcrawl.ChannelState, error) {
	rows, err := db.rd().Query(ctx, "SELECT site, doc FROM channel_states WHERE $1 = '' OR site = $1 ORDER BY site, path", host)
	if err != nil {
		return nil, wrap("channel states", err)
	}
	defer rows.Close()
	var out []sppcrawl.ChannelState
	for rows.Next() {
		var site, doc string
		if err := rows.Scan(&site, &doc); err != nil {
			return nil, wrap("channel states", err)
		}
		var st sppcrawl.ChannelState
		if err := json.Unmarshal([]byte(doc), &st); err != nil {
			return nil, wrap("channel states", fmt.Errorf("%w: %v", sppcrawl.ErrUndecodable, err))
		}
		st.Site = site
		out = append(out, st)
	}
	return out, wrap("channel states", rows.Err())
}

// RecordFailure adds a failed attempt; attempts accumulate over runs.
func (db *DB) RecordFailure(ctx context.Context, f sppcrawl.Failure) (sppcrawl.Failure, error) {
	merged := f
	err := db.tx(ctx, func(tx pgxTx) error {
		merged = f
		var old sppcrawl.Failure
		// FOR UPDATE: two processes failing on one URL add both attempts.
		if _, err := getDoc(ctx, tx, &old, "SELECT doc FROM failures WHERE url = $1 FOR UPDATE", f.URL); err != nil {
			old = sppcrawl.Failure{} // a record that does not decode starts again
		}
		merged.Attempts += old.Attempts
		if merged.Channel == "" {
			merged.Channel = old.Channel
		}
		return putDoc(ctx, tx, "INSERT INTO failures (url, doc) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET doc = EXCLUDED.doc", f.URL, merged)
	})
	return merged, wrap("record failure of "+f.URL, err)
}

// ClearFailure forgets url's failures (it was fetched).
func (db *DB) ClearFailure(ctx context.Context, url string) error {
	err := db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM failures WHERE url = $1", url)
		return err
	})
	return wrap("clear failure of "+url, err)
}

// Failure is the failure log's entry of url.
func (db *DB) Failure(ctx context.Context, url string) (sppcrawl.Failure, bool, error) {
	var f sppcrawl.Failure
	ok, err := getDoc(ctx, db.rd(), &f, "SELECT doc FROM failures WHERE url = $1", url)
	return f, ok, wrap("failure of "+url, err)
}

// Failures lists the failure log: all, or (due) those due at now.
func (db *DB) Failures(ctx context.Context, due bool, now time.Time) ([]sppcrawl.Failure, error) {
	var out []sppcrawl.Failure
	err := eachDoc(ctx, db.rd(), func(f sppcrawl.Failure) error {
		if !due || (!f.Gone && !f.NextRetry.After(now)) {
			out = append(out, f)
		}
		return nil
	}, "SELECT doc FROM failures ORDER BY url")
	return out, wrap("failures", err)
}

// ResetFailures makes the log's URLs due now: those listed, or all.
func (db *DB) ResetFailures(ctx context.Context, urls []string, all bool) (int, error) {
	n, now := 0, db.now()
	err := db.tx(ctx, func(tx pgxTx) error {
		n = 0
		var fs []sppcrawl.Failure
		q, args := "SELECT doc FROM failures WHERE url = ANY($1) ORDER BY url FOR UPDATE", []any{urls}
		if all {
			q, args = "SELECT doc FROM failures ORDER BY url FOR UPDATE", nil
		}
		if err := eachDoc(ctx, tx, func(f sppcrawl.Failure) error { fs = append(fs, f); return nil }, q, args...); err != nil {
			return err
		}
		for _, f := range fs {
			f.Gone, f.NextRetry = false, now
			if err := putDoc(ctx, tx, "UPDATE failures SET doc = $2 WHERE url = $1", f.URL, f); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && !all && n < len(urls) {
		return n, fmt.Errorf("%d of %d URLs are not in the failure log", len(urls)-n, len(urls))
	}
	return n, wrap("reset failures", err)
}

// MarkSeen records items a list page of channel showed, not stored yet.
func (db *DB) MarkSeen(ctx context.Context, channel string, items []sppcrawl.Seen) error {
	if len(items) == 0 {
		return nil
	}
	err := db.tx(ctx, func(tx pgxTx) error {
		for _, it := range items {
			_, err := tx.Exec(ctx, `INSERT INTO seen (url, channel, title)
				SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM urls WHERE url = $1)
				ON CONFLICT (url) DO UPDATE SET channel = EXCLUDED.channel, title = EXCLUDED.title`, it.URL, channel, clipTitle(it.Title))
			if err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("mark seen in "+channel, err)
}

// clipTitle is a list's title as kept: at most 200 characters, no NULs.
func clipTitle(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	if r := []rune(s); len(r) > 200 {
		return string(r[:200])
	}
	return s
}

// Gaps lists the URLs a channel (or every one: "") listed and the archive
// does not hold, with why. A stored URL's seen row is passed: a MarkSeen
// whose check ran before a parallel fetch's commit leaves one (bbolt
// serialises the two writes; here they only read committed rows).
func (db *DB) Gaps(ctx context.Context, channel string) ([]sppcrawl.Gap, error) {
	rows, err := db.rd().Query(ctx, `SELECT s.url, s.channel, s.title, f.doc FROM seen s LEFT JOIN failures f USING (url)
		WHERE ($1 = '' OR s.channel = $1) AND NOT EXISTS (SELECT 1 FROM urls u WHERE u.url = s.url)
		ORDER BY s.channel || s.url`, channel)
	if err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	defer rows.Close()
	var out []sppcrawl.Gap
	for rows.Next() {
		g := sppcrawl.Gap{Why: "not yet fetched"}
		var doc *string
		if err := rows.Scan(&g.URL, &g.Channel, &g.Title, &doc); err != nil {
			return nil, fmt.Errorf("gaps: %w", err)
		}
		g.Site = sppcrawl.URLHost(g.URL)
		var f sppcrawl.Failure
		if doc != nil && json.Unmarshal([]byte(*doc), &f) == nil {
			g.Why, g.Error = "failed", f.LastError
			if f.Gone {
				g.Why = "gone"
			}
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FillStats counts the fields filled over the articles of a channel of
// the default site.
func (db *DB) FillStats(ctx context.Context, path string) (sppcrawl.Fill, error) {
	return db.fillStats(ctx, defaultHost(), path)
}

func (db *DB) fillStats(ctx context.Context, host, path string) (sppcrawl.Fill, error) {
	var f sppcrawl.Fill
	err := eachDoc(ctx, db.rd(), func(a sppcrawl.Article) error { f = f.Add(sppcrawl.FillOf(&a), 1); return nil },
		"SELECT doc FROM articles WHERE channel_path = $1 AND lower(split_part(url, '/', 3)) = $2", path, host)
	return f, wrap("fill stats of "+host+path, err)
}

// PutRun records the summary of a crawl, the last one.
func (db *DB) PutRun(ctx context.Context, r sppcrawl.RunSummary) error {
	return wrap("put run", putMeta(ctx, db, "last-run", r))
}

// LastRun is the summary of the latest crawl, if there was one.
func (db *DB) LastRun(ctx context.Context) (sppcrawl.RunSummary, bool, error) {
	var r sppcrawl.RunSummary
	ok, err := getDoc(ctx, db.rd(), &r, "SELECT value FROM meta WHERE key = 'last-run'")
	return r, ok, wrap("last run", err)
}

// SiteMap is the default site's navigation as last read.
func (db *DB) SiteMap(ctx context.Context) (sppcrawl.SiteMap, error) {
	return db.siteMap(ctx, defaultHost())
}

func (db *DB) siteMap(ctx context.Context, host string) (sppcrawl.SiteMap, error) {
	var m sppcrawl.SiteMap
	_, err := getDoc(ctx, db.rd(), &m, "SELECT value FROM meta WHERE key = $1", "sitemap/"+host)
	return m, wrap("site map of "+host, err)
}

// PutSiteMap stores the default site's navigation.
func (db *DB) PutSiteMap(ctx context.Context, m sppcrawl.SiteMap) error {
	return db.putSiteMap(ctx, defaultHost(), m)
}

func (db *DB) putSiteMap(ctx context.Context, host string, m sppcrawl.SiteMap) error {
	return wrap("put site map of "+host, putMeta(ctx, db, "sitemap/"+host, m))
}

func putMeta(ctx context.Context, db *DB, key string, v any) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		return putDoc(ctx, tx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", key, v)
	})
}

// ForgetChannel forgets what crawls recorded of a channel of the default
// site (its state and gaps; its articles stay).
func (db *DB) ForgetChannel(ctx context.Context, path string) (bool, error) {
	return db.forgetChannel(ctx, defaultHost(), path)
}

func (db *DB) forgetChannel(ctx context.Context, host, path string) (bool, error) {
	var found bool
	err := db.tx(ctx, func(tx pgxTx) error {
		a, err := tx.Exec(ctx, "DELETE FROM channel_states WHERE site = $1 AND path = $2", host, path)
		if err != nil {
			return err
		}
		b, err := tx.Exec(ctx, "DELETE FROM seen WHERE channel = $1 AND lower(split_part(url, '/', 3)) = $2", path, host)
		found = a.RowsAffected()+b.RowsAffected() > 0
		return err
	})
	return found, wrap("forget channel "+path, err)
}

// wrap prefixes err with what was done; nil stays nil.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
