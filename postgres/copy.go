package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// ErrNotEmpty says a copy's target archive already holds something.
var ErrNotEmpty = sppcrawl.ErrNotEmpty

// CopyReport says what CopyFrom copied.
type CopyReport = sppcrawl.CopyReport

// CopyFrom copies the archive src (bbolt, or another database) into this
// one, which must be empty, in one transaction: every article with its
// seq and exported JSON byte for byte, every version with its raw page,
// the events, the media files and their URLs, failures, channel states,
// gaps, the last run, the site map, subscriptions and their deliveries.
// Seqs are kept (they are the downstream cursor). Not copied: the marks
// of URLs seen gone once (the next sighting starts again).
func (db *DB) CopyFrom(ctx context.Context, src sppcrawl.Archive) (CopyReport, error) {
	var rep CopyReport
	err := db.tx(ctx, func(tx pgx.Tx) error {
		rep = CopyReport{}
		var n int64
		if err := tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM articles) + (SELECT value FROM counters WHERE name = 'seq')").Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			return ErrNotEmpty
		}
		c := &copier{ctx: ctx, tx: tx, src: src, rep: &rep, copied: map[string]bool{}}
		for _, step := range []func() error{c.articles, c.otherRaw, c.counters, c.events, c.media, c.crawlLog, c.subscriptions, c.unparsed} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return CopyReport{}, fmt.Errorf("copy into %s: %w", db.name, err)
	}
	return rep, nil
}

// copier is one copy under way.
type copier struct {
	ctx context.Context
	tx  pgx.Tx
	src sppcrawl.Archive
	rep *CopyReport
	// copied are the raw pages copied with a version (see rawKey).
	copied map[string]bool
}

func (c *copier) articles() error {
	return c.src.ForEachJSON(c.ctx, 0, func(seq uint64, j []byte) error {
		var a sppcrawl.Article
		if err := json.Unmarshal(j, &a); err != nil {
			return fmt.Errorf("seq %d: %w", seq, err)
		}
		if err := c.article(seq, &a, j); err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		c.rep.Articles++
		return nil
	})
}

// article copies one article, its versions and raw pages.
func (c *copier) article(seq uint64, a *sppcrawl.Article, doc []byte) error {
	s, err := c.src.Get(c.ctx, a.ID)
	if err != nil {
		return err
	}
	missing, due := mediaTally(a)
	def, crc, n := chunkOf(string(doc))
	_, err = c.tx.Exec(c.ctx, `INSERT INTO articles (id, seq, url, channel_path, published, content_hash, has_cases, withdrawn, missing, due, checked, doc,
			chunk, chunk_crc, chunk_len)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, a.ID, int64(seq), a.URL, a.ChannelPath, a.PublishedAt.Unix(), a.ContentHash,
		len(a.Cases) > 0, !a.WithdrawnAt.IsZero(), missing, due, s.LastCheckedAt.UnixNano(), string(doc), def, crc, n)
	if err != nil {
		return err
	}
	for _, u := range append([]string{a.URL}, a.Aliases...) {
		if _, err := c.tx.Exec(c.ctx, "INSERT INTO urls (url, id) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET id = EXCLUDED.id", u, a.ID); err != nil {
			return err
		}
	}
	for _, cs := range a.Cases {
		if cs.Number != "" {
			if _, err := c.tx.Exec(c.ctx, "INSERT INTO case_numbers (number, id) VALUES ($1, $2) ON CONFLICT (number) DO UPDATE SET id = EXCLUDED.id", cs.Number, a.ID); err != nil {
				return err
			}
		}
	}
	return c.versions(a)
}

// versions copies the article's replaced versions and every raw page.
func (c *copier) versions(a *sppcrawl.Article) error {
	h, err := c.src.History(c.ctx, a.ID)
	if err != nil {
		return err
	}
	for i, v := range h.Versions {
		key, err := c.raw(a.ID, v)
		if err != nil {
			return err
		}
		if i == len(h.Versions)-1 {
			_, err = c.tx.Exec(c.ctx, "UPDATE articles SET raw_key = $2 WHERE id = $1", a.ID, key)
			return err
		}
		replaced := time.Time{}
		if v.ReplacedAt != nil {
			replaced = *v.ReplacedAt
		}
		d, err := json.Marshal(versionDoc{Version: v.Version, ContentHash: v.ContentHash, StoredAt: v.StoredAt, ReplacedAt: replaced, Article: v.Article})
		if err != nil {
			return err
		}
		if _, err := c.tx.Exec(c.ctx, "INSERT INTO versions (id, version, raw_key, doc) VALUES ($1, $2, $3, $4)", a.ID, v.Version, key, string(d)); err != nil {
			return err
		}
		c.rep.Versions++
	}
	return nil
}

// raw copies the raw page of version v, nil if none is kept.
func (c *copier) raw(id string, v sppcrawl.Version) (*int64, error) {
	if !v.HasRaw {
		return nil, nil
	}
	p, err := c.src.VersionRaw(c.ctx, id, v.Version)
	if errors.Is(err, sppcrawl.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.insertRaw(id, p)
}

func (c *copier) insertRaw(id string, p *sppcrawl.RawPage) (*int64, error) {
	hdr, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	body := p.Body
	if body == nil {
		body = []byte{}
	}
	var key int64
	if err := c.tx.QueryRow(c.ctx, "INSERT INTO raw_pages (id, header, body) VALUES ($1, $2, $3) RETURNING key", id, string(hdr), body).Scan(&key); err != nil {
		return nil, err
	}
	c.copied[sppcrawl.RawKey(p)] = true
	c.rep.RawPages++
	return &key, nil
}

// otherRaw copies the raw pages kept that no version names (the page of a
// cross-post's first URL, replaced when it moved home): the WARC holds
// them.
func (c *copier) otherRaw() error {
	return c.src.ForEachRaw(c.ctx, func(p *sppcrawl.RawPage) error {
		if c.copied[sppcrawl.RawKey(p)] {
			return nil
		}
		_, err := c.insertRaw(sppcrawl.LegacySite().ArticleID(p.URL), p)
		return err
	})
}

// counters keeps the source's last seq (an article moved off the end of
// the log leaves it above the last article's) and a new generation.
func (c *copier) counters() error {
	last, err := c.src.LastSeq(c.ctx)
	if err != nil {
		return err
	}
	gen, err := c.src.Generation(c.ctx)
	if err != nil {
		return err
	}
	_, err = c.tx.Exec(c.ctx, "UPDATE counters SET value = CASE name WHEN 'seq' THEN $1::bigint ELSE $2::bigint END", int64(last), int64(gen)+1)
	return err
}

func (c *copier) events() error {
	for after := uint64(0); ; {
		evs, err := c.src.Events(c.ctx, after, page)
		if err != nil {
			return err
		}
		for _, e := range evs {
			d, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if _, err := c.tx.Exec(c.ctx, "INSERT INTO events (seq, doc) VALUES ($1, $2)", int64(e.Seq), string(d)); err != nil {
				return err
			}
			after = e.Seq
			c.rep.Events++
		}
		if len(evs) < page {
			return nil
		}
	}
}

func (c *copier) media() error {
	err := c.src.ForEachMedia(c.ctx, func(m sppcrawl.MediaInfo) error {
		_, path, err := c.src.Media(c.ctx, m.SHA256)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("media %s: %w", m.SHA256, err)
		}
		d, err := json.Marshal(m)
		if err != nil {
			return err
		}
		c.rep.Media++
		_, err = c.tx.Exec(c.ctx, "INSERT INTO media (sha, size, doc, body) VALUES ($1, $2, $3, $4)", m.SHA256, m.Size, string(d), body)
		return err
	})
	if err != nil {
		return err
	}
	urls, err := c.src.MediaURLs(c.ctx)
	if err != nil {
		return err
	}
	for sha, us := range urls {
		for _, u := range us {
			if _, err := c.tx.Exec(c.ctx, "INSERT INTO media_urls (url, sha) VALUES ($1, $2)", u, sha); err != nil {
				return err
			}
		}
	}
	return nil
}

// unparsed keeps the pages of no known template the source keeps.
func (c *copier) unparsed() error {
	return sppcrawl.EachUnparsed(c.ctx, c.src, func(p *sppcrawl.RawPage) error {
		c.rep.Unparsed++
		return keepUnparsed(c.ctx, c.tx, p)
	})
}
