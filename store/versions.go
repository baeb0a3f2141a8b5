package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// versionRecord is an earlier version of an article as stored: the article's
// JSON as it was exported then, and where its raw page is.
type versionRecord struct {
	Version     int             `json:"version"`
	ContentHash string          `json:"content_hash"`
	StoredAt    time.Time       `json:"stored_at"`
	ReplacedAt  time.Time       `json:"replaced_at"`
	RawKey      uint64          `json:"raw_key,omitempty"` // 0: no raw page (archived by schema 1)
	Article     json.RawMessage `json:"article"`
}

// Version is one version of an article, for `sppcrawl history` and the
// versions endpoints (the root package's).
type Version = sppcrawl.Version

func versionKey(id string, v int) []byte {
	k := make([]byte, 0, len(id)+5)
	k = append(k, id...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(v))
}

func putVersion(tx *bolt.Tx, id string, v versionRecord) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketVersions).Put(versionKey(id, v.Version), b)
}

// Versions lists every version of an article, oldest first, the current one
// last (ReplacedAt nil). ErrNotFound when there is no such article.
func (db *DB) Versions(ctx context.Context, id string) ([]Version, error) {
	var out []Version
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, _, err = versionsTx(tx, id)
		return err
	})
	return out, err
}

// versionsTx lists the versions of id and, beside each, the key of its raw
// page (0: none), which stays in the store.
func versionsTx(tx *bolt.Tx, id string) (out []Version, rawKeys []uint64, err error) {
	seq, ok := seqOf(tx, id)
	if !ok {
		return nil, nil, fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	prefix := append([]byte(id), 0)
	c := tx.Bucket(bucketVersions).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+4; k, v = c.Next() {
		var r versionRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, nil, fmt.Errorf("version %d of %s: %w", binary.BigEndian.Uint32(k[len(prefix):]), id, err)
		}
		replaced := r.ReplacedAt
		out = append(out, Version{Version: r.Version, ContentHash: r.ContentHash, StoredAt: r.StoredAt,
			ReplacedAt: &replaced, Article: bytes.Clone(r.Article), HasRaw: r.RawKey != 0})
		rawKeys = append(rawKeys, r.RawKey)
	}
	cur, err := articleJSON(tx.Bucket(bucketArticles).Get(u64(seq)))
	var a sppcrawl.Article
	if err == nil {
		err = json.Unmarshal(cur, &a)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("article %s: %v", id, err)
	}
	key := rawKeyOf(tx, id)
	out = append(out, Version{Version: a.Version, ContentHash: a.ContentHash, StoredAt: a.UpdatedAt,
		Article: cur, HasRaw: key != 0})
	return out, append(rawKeys, key), nil
}

// VersionRaw returns the raw page version v of an article came from.
func (db *DB) VersionRaw(ctx context.Context, id string, v int) (*sppcrawl.RawPage, error) {
	var p *sppcrawl.RawPage
	err := db.view(ctx, func(tx *bolt.Tx) error {
		vs, keys, err := versionsTx(tx, id)
		if err != nil {
			return err
		}
		for i, ver := range vs {
			if ver.Version != v {
				continue
			}
			if !ver.HasRaw {
				return fmt.Errorf("raw page of %s version %d: %w (archived before pages were kept per version)", id, v, ErrNotFound)
			}
			p, err = db.getRaw(tx, keys[i])
			if err != nil {
				return fmt.Errorf("raw page of %s version %d: %w", id, v, err)
			}
			return nil
		}
		return fmt.Errorf("version %d of %s: %w", v, id, ErrNotFound)
	})
	return p, err
}

// EarlierVersions decodes the replaced versions of an article whose whole
// text was kept (not those replaced under schema 1), oldest first.
func (db *DB) EarlierVersions(ctx context.Context, id string) ([]*sppcrawl.Article, error) {
	h, err := db.History(ctx, id)
	if err != nil {
		return nil, err
	}
	return h.Earlier(), nil
}

// ArticleVersion is version v of an article: the current one, or an
// earlier one whose text was kept. ErrNotFound otherwise.
func (db *DB) ArticleVersion(ctx context.Context, id string, v int) (*sppcrawl.Article, error) {
	st, err := db.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.Version == v {
		return st.Article, nil
	}
	h, err := db.History(ctx, id)
	if err != nil {
		return nil, err
	}
	if a, known := h.ArticleAt(v); known {
		return a, nil
	}
	return nil, fmt.Errorf("version %d of %s: %w", v, id, ErrNotFound)
}
