package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

// ErrNotEmpty says a copy's target archive already holds something.
var ErrNotEmpty = sppcrawl.ErrNotEmpty

// CopyReport says what CopyFrom copied.
type CopyReport = sppcrawl.CopyReport

// copyBatch is how many articles a transaction of a copy writes: a copy of
// a large database is not one transaction held in memory whole.
const copyBatch = 100

// CopyFrom copies the archive src (PostgreSQL, or another file) into this
// one, which must be empty: every article under its seq with its exported
// JSON byte for byte, every version with its raw page, the raw pages no
// version names, the events, the media files and their URLs, the seq and
// generation counters, failures, channel states, gaps, the last run, the
// site map, subscriptions and their deliveries. Seqs are kept: they are
// the downstream cursor. Not copied, as in PostgreSQL's copy: the marks of
// URLs seen gone once (the next sighting starts again). The copy is
// written a batch of articles per transaction: one that fails leaves a
// partial archive, to be removed before copying again.
func (db *DB) CopyFrom(ctx context.Context, src sppcrawl.Archive) (CopyReport, error) {
	var rep CopyReport
	if err := db.mustBeEmpty(ctx); err != nil {
		return rep, fmt.Errorf("copy into %s: %w", db.path, err)
	}
	c := &copier{db: db, ctx: ctx, src: src, rep: &rep, copied: map[string]bool{}}
	for _, step := range []func() error{c.media, c.articles, c.otherRaw, c.counters, c.events, c.crawlLog, c.subscriptions, c.unparsed} {
		if err := step(); err != nil {
			return rep, fmt.Errorf("copy into %s: %w", db.path, err)
		}
	}
	return rep, nil
}

// mustBeEmpty refuses a target holding articles or having handed out seqs.
func (db *DB) mustBeEmpty(ctx context.Context) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		if k, _ := b.Cursor().First(); k != nil || b.Sequence() != 0 {
			return ErrNotEmpty
		}
		return nil
	})
}

// copier is one copy under way.
type copier struct {
	db     *DB
	ctx    context.Context
	src    sppcrawl.Archive
	rep    *CopyReport
	copied map[string]bool // the raw pages copied with a version (rawKey)
}

// copiedArticle is an article read from the source, ready to write.
type copiedArticle struct {
	seq      uint64
	doc      []byte
	a        *sppcrawl.Article
	checked  time.Time
	versions []copiedVersion
}

// copiedVersion is a version of it with its raw page, encoded (nil: none).
type copiedVersion struct {
	v   sppcrawl.Version
	raw []byte
}

// articles copies the articles a batch per transaction, in seq order.
func (c *copier) articles() error {
	var batch []copiedArticle
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		todo := batch
		batch = nil
		return c.db.write(c.ctx, func(tx *bolt.Tx) error {
			for _, ca := range todo {
				if err := c.putCopied(tx, ca); err != nil {
					return fmt.Errorf("article %s: %w", ca.a.ID, err)
				}
			}
			return nil
		})
	}
	err := c.src.ForEachJSON(c.ctx, 0, func(seq uint64, j []byte) error {
		ca, err := c.read(seq, j)
		if err != nil {
			return err
		}
		if batch = append(batch, ca); len(batch) == copyBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// read reads an article of the source with what is kept beside it.
func (c *copier) read(seq uint64, j []byte) (copiedArticle, error) {
	ca := copiedArticle{seq: seq, doc: append([]byte(nil), j...), a: new(sppcrawl.Article)}
	if err := json.Unmarshal(j, ca.a); err != nil {
		return ca, fmt.Errorf("seq %d: %w", seq, err)
	}
	ca.a.Seq = seq
	s, err := c.src.Get(c.ctx, ca.a.ID)
	if err != nil {
		return ca, err
	}
	ca.checked = s.LastCheckedAt
	h, err := c.src.History(c.ctx, ca.a.ID)
	if err != nil {
		return ca, err
	}
	for _, v := range h.Versions {
		cv := copiedVersion{v: v}
		if cv.raw, err = c.rawOf(ca.a.ID, v); err != nil {
			return ca, err
		}
		ca.versions = append(ca.versions, cv)
	}
	c.rep.Articles++
	return ca, nil
}

// rawOf is the encoded raw page of version v, nil if none is kept.
func (c *copier) rawOf(id string, v sppcrawl.Version) ([]byte, error) {
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
	c.copied[sppcrawl.RawKey(p)] = true
	c.rep.RawPages++
	return c.db.encodeRaw(p)
}

// putCopied writes an article as the source keeps it: its JSON under its
// seq, its keys and counts, its versions and pages, its media due.
func (c *copier) putCopied(tx *bolt.Tx, ca copiedArticle) error {
	a := ca.a
	v, err := encodeChunk(ca.doc)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketArticles).Put(u64(ca.seq), v); err != nil {
		return err
	}
	if err := tx.Bucket(bucketIDs).Put([]byte(a.ID), u64(ca.seq)); err != nil {
		return err
	}
	if err := indexCases(tx, a); err != nil {
		return err
	}
	if err := addKeys(tx, a, ca.checked); err != nil {
		return err
	}
	for _, u := range a.Aliases {
		if err := tx.Bucket(bucketURLs).Put([]byte(u), []byte(a.ID)); err != nil {
			return err
		}
	}
	if !a.WithdrawnAt.IsZero() {
		if err := addCount(tx, countWithdrawn, 1); err != nil {
			return err
		}
	}
	if err := c.putVersions(tx, ca); err != nil {
		return err
	}
	if err := addCount(tx, countMediaMissing, int64(missingRefs(a))); err != nil {
		return err
	}
	return syncDue(tx, a, nil)
}

// missingRefs counts an article's files recorded missing.
func missingRefs(a *sppcrawl.Article) int {
	n := 0
	for _, ref := range a.MediaRefs() {
		n += boolInt(ref.Missing != "")
	}
	return n
}

// putVersions writes the earlier versions with their pages, and the page
// of the current one.
func (c *copier) putVersions(tx *bolt.Tx, ca copiedArticle) error {
	for i, cv := range ca.versions {
		if i == len(ca.versions)-1 {
			if cv.raw == nil {
				return nil
			}
			return putRawOf(tx, ca.a.ID, cv.raw)
		}
		rec := versionRecord{Version: cv.v.Version, ContentHash: cv.v.ContentHash, StoredAt: cv.v.StoredAt, Article: cv.v.Article}
		if cv.v.ReplacedAt != nil {
			rec.ReplacedAt = *cv.v.ReplacedAt
		}
		if cv.raw != nil {
			key, err := putRaw(tx, cv.raw)
			if err != nil {
				return err
			}
			rec.RawKey = key
		}
		if err := putVersion(tx, ca.a.ID, rec); err != nil {
			return err
		}
		c.rep.Versions++
	}
	return nil
}

// putRaw stores a raw page under a new raw key, which it returns.
func putRaw(tx *bolt.Tx, v []byte) (uint64, error) {
	raws := tx.Bucket(bucketRaw)
	key, err := raws.NextSequence()
	if err != nil {
		return 0, err
	}
	raws.FillPercent = 1.0
	return key, raws.Put(u64(key), v)
}

// otherRaw copies the raw pages kept that no version names (the page of a
// cross-post's first URL, replaced when it moved home): the WARC holds
// them.
func (c *copier) otherRaw() error {
	return c.src.ForEachRaw(c.ctx, func(p *sppcrawl.RawPage) error {
		if c.copied[sppcrawl.RawKey(p)] {
			return nil
		}
		v, err := c.db.encodeRaw(p)
		if err != nil {
			return err
		}
		c.rep.RawPages++
		return c.db.write(c.ctx, func(tx *bolt.Tx) error {
			_, err := putRaw(tx, v)
			return err
		})
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
	return c.db.write(c.ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketArticles).SetSequence(last); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyGeneration, u64(gen+1))
	})
}

// unparsed keeps the pages of no known template the source keeps.
func (c *copier) unparsed() error {
	return sppcrawl.EachUnparsed(c.ctx, c.src, func(p *sppcrawl.RawPage) error {
		c.rep.Unparsed++
		return c.db.KeepUnparsed(c.ctx, p)
	})
}
