package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// GetJSON returns the stored JSON of one article, or ErrNotFound.
func (db *DB) GetJSON(ctx context.Context, id string) ([]byte, error) {
	var v []byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if seq, ok := seqOf(tx, id); ok {
			if got := tx.Bucket(bucketArticles).Get(u64(seq)); got != nil {
				var err error
				v, err = articleJSON(got)
				return err
			}
		}
		return fmt.Errorf("article %s: %w", id, ErrNotFound)
	})
	return v, err
}

// Latest returns up to n articles, most recently created or updated first,
// that keep accepts (nil keeps all).
//
// Records that do not decode are skipped: the error is then *Skipped, with
// the articles read (so for every read below that returns one).
func (db *DB) Latest(ctx context.Context, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	var out []*sppcrawl.Article
	sk := skips{db: db}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			a, err := decodeArticle(v)
			if err := sk.skip(seqName(k), err); err != nil {
				return err
			}
			if a != nil && (keep == nil || keep(a)) {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, sk.result(err)
}

// seqName names the article record at seq key k, for errors and skips.
func seqName(k []byte) string { return fmt.Sprint("seq ", seqKey(k)) }

// Generation changes whenever exported data changes (an article created,
// updated or given an alias); readers use it to validate caches and ETags.
func (db *DB) Generation(ctx context.Context) (uint64, error) {
	var g uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyGeneration); len(v) == 8 {
			g = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return g, err
}

// LatestInChannel returns up to n articles of one channel (channel_path)
// that keep accepts (nil keeps all), newest published first. It walks the
// channel index, so a small channel is as cheap as a big one whatever the
// size of the archive.
func (db *DB) LatestInChannel(ctx context.Context, path string, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	return db.ChannelPage(ctx, path, time.Time{}, n, keep)
}

// ChannelPage is LatestInChannel for the articles published before
// before (zero: all): the next page of a channel's list.
func (db *DB) ChannelPage(ctx context.Context, path string, before time.Time, n int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	var out []*sppcrawl.Article
	prefix := append([]byte(path), 0)
	sk := skips{db: db}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChanIdx).Cursor()
		// The first key not to list: the channel's at before, or the one
		// after its last (path + "\x01").
		end := append([]byte(path), 1)
		if !before.IsZero() {
			end = binary.BigEndian.AppendUint64(append([]byte(path), 0), uint64(max(before.Unix(), 0)))
		}
		k, _ := c.Seek(end)
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, _ = c.Prev() {
			if len(k) < len(prefix)+8 {
				continue
			}
			id := string(k[len(prefix)+8:])
			r, err := getRecord(tx, id)
			if err := sk.skip("article "+id, err); err != nil {
				return err
			}
			if r != nil && (keep == nil || keep(r.Article)) {
				out = append(out, r.Article)
			}
		}
		return nil
	})
	return out, sk.result(err)
}

// Recent returns the articles stored, corrected or withdrawn since since
// that keep accepts (nil keeps all), the latest first, at most n: it walks
// the seq log back from its end and stops at the first record older than
// since (a record's seq follows the time of its last change), or after
// scan records (a backfill stores many at once; a page must stay cheap).
func (db *DB) Recent(ctx context.Context, since time.Time, n, scan int, keep func(*sppcrawl.Article) bool) ([]*sppcrawl.Article, error) {
	var out []*sppcrawl.Article
	sk := skips{db: db}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		seen := 0
		for k, v := c.Last(); k != nil && len(out) < n && seen < scan; k, v = c.Prev() {
			seen++
			a, err := decodeArticle(v)
			if err := sk.skip(seqName(k), err); err != nil {
				return err
			}
			if a == nil {
				continue
			}
			if a.UpdatedAt.Before(since) && a.WithdrawnAt.Before(since) {
				return nil
			}
			if keep == nil || keep(a) {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, sk.result(err)
}

// Get returns the article with the given id, or ErrNotFound.
func (db *DB) Get(ctx context.Context, id string) (*Stored, error) {
	var s *Stored
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		s, err = getStored(tx, id)
		return err
	})
	return s, err
}

func getStored(tx *bolt.Tx, id string) (*Stored, error) {
	r, err := getRecord(tx, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	s := &Stored{Article: r.Article}
	if v := tx.Bucket(bucketChecked).Get([]byte(id)); len(v) == 8 {
		s.LastCheckedAt = time.Unix(0, int64(binary.BigEndian.Uint64(v))).In(sppcrawl.CST())
	}
	return s, nil
}

// GetByURL returns the article stored under url, canonical or alias.
func (db *DB) GetByURL(ctx context.Context, url string) (*Stored, error) {
	var s *Stored
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketURLs).Get([]byte(url))
		if id == nil {
			return fmt.Errorf("article at %s: %w", url, ErrNotFound)
		}
		var err error
		s, err = getStored(tx, string(id))
		return err
	})
	return s, err
}

// HasURL reports whether url is stored (as canonical URL or alias).
func (db *DB) HasURL(ctx context.Context, url string) (bool, error) {
	var ok bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketURLs).Get([]byte(url)) != nil
		return nil
	})
	return ok, err
}

// LastSeq is the highest seq handed out so far.
func (db *DB) LastSeq(ctx context.Context) (uint64, error) {
	var s uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		s = tx.Bucket(bucketArticles).Sequence()
		return nil
	})
	return s, err
}

// Count is the number of articles (a counter: the archive is not read).
func (db *DB) Count(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, func(tx *bolt.Tx) error {
		n = getCount(tx, countArticles)
		return nil
	})
	return n, err
}

// ChannelCount is the number of articles of one channel and the newest of
// them (the root package's).
type ChannelCount = sppcrawl.ChannelCount

// CountByChannel counts articles per channel_path from the channel
// counters, and finds each channel's newest in the channel index (a seek per
// channel: the archive is not read).
func (db *DB) CountByChannel(ctx context.Context) ([]ChannelCount, error) {
	var out []ChannelCount
	err := db.view(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketChanIdx).Cursor()
		return tx.Bucket(bucketChanCnt).ForEach(func(k, v []byte) error {
			cc := ChannelCount{Path: string(k), Articles: int(binary.BigEndian.Uint64(v))}
			prefix := append(bytes.Clone(k), 0)
			last, _ := idx.Seek(append(bytes.Clone(k), 1))
			if last == nil {
				last, _ = idx.Last()
			} else {
				last, _ = idx.Prev()
			}
			if last != nil && bytes.HasPrefix(last, prefix) && len(last) >= len(prefix)+8 {
				cc.Newest = time.Unix(int64(binary.BigEndian.Uint64(last[len(prefix):len(prefix)+8])), 0).In(sppcrawl.CST())
				cc.NewestID = string(last[len(prefix)+8:])
			}
			out = append(out, cc)
			return nil
		})
	})
	return out, err
}

// ForEachWithCases calls fn, in seq order from after+1, for every article
// holding cases (reading the case index, not the whole archive), until fn
// returns an error.
func (db *DB) ForEachWithCases(ctx context.Context, after uint64, fn func(*sppcrawl.Article) error) error {
	sk := skips{db: db}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		articles := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketCaseIdx).Cursor()
		for k, _ := c.Seek(u64(after + 1)); k != nil; k, _ = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			a, err := decodeArticle(articles.Get(k))
			if err := sk.skip(seqName(k), err); err != nil {
				return err
			}
			if a == nil {
				continue
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	})
	return sk.result(err)
}

// ArticleWithCase returns the article holding the case numbered number
// (检例第257号), or ErrNotFound.
func (db *DB) ArticleWithCase(ctx context.Context, number string) (*sppcrawl.Article, error) {
	var a *sppcrawl.Article
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketCaseNum).Get([]byte(number))
		if id != nil {
			r, err := getRecord(tx, string(id))
			if err != nil {
				return err
			}
			if r != nil {
				for _, c := range r.Article.Cases {
					if c.Number == number {
						a = r.Article
						return nil
					}
				}
			}
		}
		return fmt.Errorf("case %s: %w", number, ErrNotFound)
	})
	return a, err
}

// StoredArticle returns the article stored under url (canonical or alias), else
// under id; nil when there is neither.
func (db *DB) StoredArticle(ctx context.Context, url, id string) (*sppcrawl.Article, error) {
	s, err := db.GetByURL(ctx, url)
	if errors.Is(err, ErrNotFound) {
		s, err = db.Get(ctx, id)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return s.Article, nil
}

// eachValue calls fn with the stored value of every article with seq >
// after, in seq order, until fn returns an error (errStop ends the walk
// without one). The reads below all walk the articles this way.
func (db *DB) eachValue(ctx context.Context, after uint64, fn func(seq uint64, v []byte) error) error {
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(binary.BigEndian.Uint64(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

var errStop = errors.New("stop")

// ForEach calls fn for every article with seq > after, in seq order, until fn
// returns an error. The transaction stays open meanwhile: fn must not write
// to the archive.
func (db *DB) ForEach(ctx context.Context, after uint64, fn func(*sppcrawl.Article) error) error {
	sk := skips{db: db}
	err := db.eachValue(ctx, after, func(seq uint64, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil {
			return sk.skip(fmt.Sprint("seq ", seq), err)
		}
		return fn(a)
	})
	return sk.result(err)
}

// ForEachJSON is ForEach without decoding: fn gets each article's stored
// JSON (fresh memory). The export of a whole archive goes through it.
func (db *DB) ForEachJSON(ctx context.Context, after uint64, fn func(seq uint64, j []byte) error) error {
	sk := skips{db: db}
	err := db.eachValue(ctx, after, func(seq uint64, v []byte) error {
		j, err := articleJSON(v)
		if err != nil {
			return sk.skip(fmt.Sprint("seq ", seq), err)
		}
		return fn(seq, j)
	})
	return sk.result(err)
}

// Since returns up to limit articles with seq > after, in seq order. An
// article updated since appears once, at its new seq.
func (db *DB) Since(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, error) {
	out, _, err := db.SinceSeq(ctx, after, limit)
	return out, err
}

// SinceSeq is Since that also returns the seq of the last record it
// passed (after, when none), records that do not decode included: a
// follower of the log moves its cursor by it, so a damaged record is
// passed once, never read again and again.
func (db *DB) SinceSeq(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, uint64, error) {
	return since(ctx, db, after, limit, func(v []byte) (*sppcrawl.Article, bool, error) {
		a, err := decodeArticle(v)
		return a, a != nil, err // an empty record holds no article
	})
}

// since reads up to limit records of the articles log after after,
// decoded by decode (whose ok false passes a record over), and the seq of
// the last record passed; those that do not decode are passed and named.
func since[T any](ctx context.Context, db *DB, after uint64, limit int, decode func([]byte) (T, bool, error)) ([]T, uint64, error) {
	var out []T
	last := after
	sk := skips{db: db}
	err := db.eachValue(ctx, after, func(seq uint64, v []byte) error {
		if len(out) == limit {
			return errStop
		}
		last = seq
		x, ok, err := decode(v)
		if err != nil {
			return sk.skip(fmt.Sprint("seq ", seq), err)
		}
		if ok {
			out = append(out, x)
		}
		return nil
	})
	return out, last, sk.result(err)
}

// SinceJSON is Since without decoding: the articles' stored JSON, in seq
// order, and the seq of the last one (after, when there is none). The HTTP
// API splices these into its answers.
func (db *DB) SinceJSON(ctx context.Context, after uint64, limit int) ([][]byte, uint64, error) {
	var out [][]byte
	last := after
	sk := skips{db: db}
	err := db.eachValue(ctx, after, func(seq uint64, v []byte) error {
		if len(out) == limit {
			return errStop
		}
		last = seq // a skipped record is passed too: the cursor moves on
		j, err := articleJSON(v)
		if err != nil {
			return sk.skip(fmt.Sprint("seq ", seq), err)
		}
		out = append(out, j)
		return nil
	})
	return out, db.newest(ctx, last), sk.result(err)
}

// newest is the cursor a page hands out: last, but never past the last
// seq handed out (a puller asking beyond it is told where the archive is).
func (db *DB) newest(ctx context.Context, last uint64) uint64 {
	if seq, err := db.LastSeq(ctx); err == nil && last > seq {
		return seq
	}
	return last
}

// EachChunk is SinceChunks without copies: fn gets, in seq order, up to
// limit articles after after as DEFLATE chunks whose bytes are the
// archive's own, valid only until fn returns (the read transaction is open
// meanwhile: fn must not write to the archive nor wait on the network). It
// returns the seq to resume from; records that do not decode are skipped
// (*Skipped).
func (db *DB) EachChunk(ctx context.Context, after uint64, limit int, fn func(Chunk) error) (uint64, error) {
	last, n := after, 0
	sk := skips{db: db}
	err := db.eachValue(ctx, after, func(seq uint64, v []byte) error {
		if n == limit {
			return errStop
		}
		last = seq
		ch, err := chunkIn(v)
		if err != nil {
			return sk.skip(fmt.Sprint("seq ", seq), err)
		}
		n++
		return fn(ch)
	})
	if last == after {
		last = db.newest(ctx, last)
	}
	return last, sk.result(err)
}

// SinceChunks is SinceJSON for answers in gzip: the articles as DEFLATE
// chunks, as they are stored, and the seq of the last one.
func (db *DB) SinceChunks(ctx context.Context, after uint64, limit int) ([]Chunk, uint64, error) {
	out, last, err := since(ctx, db, after, limit, func(v []byte) (Chunk, bool, error) {
		ch, err := chunkOf(v)
		return ch, true, err
	})
	return out, db.newest(ctx, last), err
}

// GetChunk returns the stored article id as a DEFLATE chunk (copied), with
// its seq: what an answer in gzip splices, and an ETag needs (seq and CRC
// change with every change of the article), without inflating it.
func (db *DB) GetChunk(ctx context.Context, id string) (uint64, Chunk, error) {
	var seq uint64
	var c Chunk
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var ok bool
		if seq, ok = seqOf(tx, id); !ok {
			return fmt.Errorf("article %s: %w", id, ErrNotFound)
		}
		v := tx.Bucket(bucketArticles).Get(u64(seq))
		if v == nil {
			return fmt.Errorf("article %s: %w", id, undecodable("the id index points to seq %d, which holds nothing", seq))
		}
		var err error
		if c, err = chunkOf(v); err != nil {
			db.dmg.record(fmt.Sprint("seq ", seq), err.Error())
			return fmt.Errorf("article %s: %w", id, err)
		}
		return nil
	})
	return seq, c, err
}

// CountAfter is the number of articles with seq > after: how far a reader
// following the seq log (the search index) is behind. Only keys are read.
func (db *DB) CountAfter(ctx context.Context, after uint64) (int, error) {
	n := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		for k, _ := c.Seek(u64(after + 1)); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}
