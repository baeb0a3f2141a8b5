package search

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// docMeta is what filters and facets need of a version, beyond its rid.
type docMeta struct {
	flags     uint8
	effective int32  // yyyymmdd, 0 for none
	secs      uint32 // publication time, Unix seconds
}

// metaCache holds every indexed version's flags and effective date in
// memory, and the channels' indexes, so a query filters and counts its
// matches without a join. It follows the docs table by its mod counter:
// a refresh reads only the rows written since (by this process or another).
type metaCache struct {
	mu    sync.RWMutex
	mod   int64
	docs  map[int64]docMeta
	chans chanMaps
}

// chanMaps are the index's channels: each one's path and site, and the
// indexes of each path (one per site that has the folder).
type chanMaps struct {
	channels map[int]string // index → path
	sites    map[int]string // index → the site's host
	paths    map[string][]int
}

// snapshot is the cache as one query sees it.
type snapshot struct {
	docs map[int64]docMeta
	chanMaps
}

// reset empties the cache: the index file was replaced, and the new one's
// mod counter says nothing of what the cache holds.
func (c *metaCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs, c.chans, c.mod = nil, chanMaps{}, 0
}

// loaded says whether the cache holds the docs table (a query loaded it).
func (c *metaCache) loaded() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.docs != nil
}

// refresh brings the cache up to the index's mod counter, read in tx (the
// query's own read transaction, so cache and matches agree).
func (c *metaCache) refresh(ctx context.Context, tx *sql.Tx) (snapshot, error) {
	mod, err := metaInt(ctx, tx, "mod")
	if err != nil {
		return snapshot{}, err
	}
	c.mu.RLock()
	if c.docs != nil && c.mod == mod {
		s := snapshot{c.docs, c.chans}
		c.mu.RUnlock()
		return s, nil
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil || mod < c.mod {
		c.docs, c.mod = map[int64]docMeta{}, 0
	}
	if c.mod != mod {
		if err := c.load(ctx, tx, mod); err != nil {
			return snapshot{}, err
		}
	}
	return snapshot{c.docs, c.chans}, nil
}

// load reads the rows changed since the cache's mod. The maps are copied
// first: snapshots handed out earlier stay as they were.
func (c *metaCache) load(ctx context.Context, tx *sql.Tx, mod int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT rid, flags, effective, published FROM docs WHERE mod > ?`, c.mod)
	if err != nil {
		return err
	}
	defer rows.Close()
	docs := make(map[int64]docMeta, len(c.docs))
	if c.mod > 0 {
		for k, v := range c.docs {
			docs[k] = v
		}
	}
	for rows.Next() {
		var rid, flags, eff, secs int64
		if err := rows.Scan(&rid, &flags, &eff, &secs); err != nil {
			return err
		}
		if flags&flagGone != 0 {
			delete(docs, rid)
			continue
		}
		docs[rid] = docMeta{flags: uint8(flags), effective: int32(eff), secs: uint32(secs)}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	chans, err := loadChannels(ctx, tx)
	if err != nil {
		return err
	}
	c.docs, c.chans, c.mod = docs, chans, mod
	return nil
}

func loadChannels(ctx context.Context, tx *sql.Tx) (chanMaps, error) {
	rows, err := tx.QueryContext(ctx, `SELECT idx, site, path FROM channels ORDER BY idx`)
	if err != nil {
		return chanMaps{}, err
	}
	defer rows.Close()
	m := chanMaps{channels: map[int]string{}, sites: map[int]string{}, paths: map[string][]int{}}
	for rows.Next() {
		var i int
		var site, p string
		if err := rows.Scan(&i, &site, &p); err != nil {
			return chanMaps{}, err
		}
		m.channels[i], m.sites[i], m.paths[p] = p, site, append(m.paths[p], i)
	}
	return m, rows.Err()
}

// readSnapshot begins a read transaction and the filter snapshot of the
// index as that transaction sees it; the caller rolls the transaction back.
func (ix *Index) readSnapshot(ctx context.Context) (*sql.Tx, snapshot, error) {
	tx, err := ix.sql().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, snapshot{}, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	snap, err := ix.cache.refresh(ctx, tx)
	if err != nil {
		tx.Rollback()
		return nil, snapshot{}, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	return tx, snap, nil
}
