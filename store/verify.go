package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// Problem is something Verify found wrong.
type Problem struct {
	Kind   string `json:"kind"` // cut, undecodable, dangling, missing
	Key    string `json:"key"`  // the id, URL or key concerned
	Detail string `json:"detail"`
}

// VerifyReport is what Verify checked and found.
type VerifyReport struct {
	Articles int       `json:"articles"`
	Versions int       `json:"versions"`
	RawPages int       `json:"raw_pages"`
	Problems []Problem `json:"problems"`
	// Cut lists the URLs whose stored page is cut short: they are marked to
	// be fetched again by the next crawl, which replaces the page.
	Cut []string `json:"cut"`
}

// String is verify's one-line summary.
func (r VerifyReport) String() string {
	return fmt.Sprintf("verify: %d articles, %d earlier versions, %d raw pages: %d problems, %d stored pages cut short (due for a fetch by the next crawl)",
		r.Articles, r.Versions, r.RawPages, len(r.Problems), len(r.Cut))
}

// Err says why the archive did not pass (nil when it did).
func (r VerifyReport) Err() error {
	if len(r.Problems) > 0 {
		return fmt.Errorf("%d problems found", len(r.Problems))
	}
	return nil
}

// Verify reads the whole archive: every record decodes, every index entry
// points to a record, and every current raw page passes checkPage (the
// caller's test that a page is whole). Articles whose page is cut (stored by
// an older release that could not tell) are marked for a repair: the next
// crawl fetches them again, due now in the failure log.
func (db *DB) Verify(ctx context.Context, checkPage func(*sppcrawl.RawPage) error) (VerifyReport, error) {
	var rep VerifyReport
	type cut struct{ id, url, channel, why string }
	var cuts []cut
	problem := func(kind, key, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{kind, key, fmt.Sprintf(format, args...)})
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ids, urls := tx.Bucket(bucketIDs), tx.Bucket(bucketURLs)
		hasID := func(id []byte) bool { return len(ids.Get(id)) == 8 }
		err := tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			rep.Articles++
			seq := binary.BigEndian.Uint64(k)
			a, err := decodeArticle(v)
			if err != nil {
				problem("undecodable", fmt.Sprint("seq ", seq), "%v", err)
				return nil
			}
			if got, _ := seqOf(tx, a.ID); got != seq {
				problem("dangling", a.ID, "article at seq %d, the id index says seq %d", seq, got)
			}
			for _, u := range append([]string{a.URL}, a.Aliases...) {
				if string(urls.Get([]byte(u))) != a.ID {
					problem("missing", u, "URL of %s not in the URL index", a.ID)
				}
			}
			if tx.Bucket(bucketChanIdx).Get(chanKey(a)) == nil {
				problem("missing", a.ID, "not in the channel index")
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		err = ids.ForEach(func(id, seq []byte) error {
			if tx.Bucket(bucketArticles).Get(seq) == nil {
				problem("dangling", string(id), "the id index points to seq %d, which holds nothing", binary.BigEndian.Uint64(seq))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, idx := range []struct {
			name string
			b    []byte
		}{{"URL", bucketURLs}, {"content hash", bucketHashes}} {
			err := tx.Bucket(idx.b).ForEach(func(k, id []byte) error {
				if !hasID(id) {
					problem("dangling", string(k), "the %s index points to %s, which is not stored", idx.name, id)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		err = tx.Bucket(bucketChanIdx).ForEach(func(k, _ []byte) error {
			if i := bytes.IndexByte(k, 0); i < 0 || len(k) < i+9 || !hasID(k[i+9:]) {
				problem("dangling", string(k), "channel index entry without its article")
			}
			return nil
		})
		if err != nil {
			return err
		}
		raws := tx.Bucket(bucketRaw)
		err = tx.Bucket(bucketVersions).ForEach(func(k, v []byte) error {
			rep.Versions++
			var r versionRecord
			if err := json.Unmarshal(v, &r); err != nil {
				problem("undecodable", string(k[:max(len(k)-5, 0)]), "a version: %v", err)
				return nil
			}
			if !hasID(k[:max(len(k)-5, 0)]) {
				problem("dangling", string(k[:len(k)-5]), "version %d of an article not stored", r.Version)
			}
			if r.RawKey != 0 && raws.Get(u64(r.RawKey)) == nil {
				problem("missing", string(k[:len(k)-5]), "raw page of version %d", r.Version)
			}
			return ctx.Err()
		})
		if err != nil {
			return err
		}
		err = raws.ForEach(func(k, v []byte) error {
			rep.RawPages++
			if _, err := rawHeader(v); err != nil {
				problem("undecodable", fmt.Sprint("raw ", binary.BigEndian.Uint64(k)), "%v", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRawOf).ForEach(func(id, key []byte) error {
			if !hasID(id) {
				problem("dangling", string(id), "raw page of an article not stored")
				return nil
			}
			p, err := db.getRaw(tx, binary.BigEndian.Uint64(key))
			if err != nil {
				problem("undecodable", string(id), "raw page: %v", err)
				return nil
			}
			if err := checkPage(p); err != nil {
				r, _ := getRecord(tx, string(id))
				c := cut{id: string(id), url: p.URL, why: err.Error()}
				if r != nil {
					c.url, c.channel = r.Article.URL, r.Article.ChannelPath
				}
				cuts = append(cuts, c)
				problem("cut", c.url, "%v", err)
			}
			return ctx.Err()
		})
	})
	if err != nil {
		return rep, err
	}
	if _, err := db.verifyMedia(ctx, problem); err != nil {
		return rep, err
	}
	for _, name := range [][]byte{bucketFailures, bucketChannels, bucketRuns, bucketGone} {
		err := db.view(ctx, func(tx *bolt.Tx) error {
			return tx.Bucket(name).ForEach(func(k, v []byte) error {
				if !json.Valid(v) {
					problem("undecodable", string(k), "%s record", name)
				}
				return nil
			})
		})
		if err != nil {
			return rep, err
		}
	}
	for _, c := range cuts {
		rep.Cut = append(rep.Cut, c.url)
		if db.readOnly {
			continue
		}
		if err := db.markRepair(ctx, c.id, c.url, c.channel, c.why); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// markRepair marks an article whose stored page is cut: the next crawl
// fetches it again (due now in the failure log) and Upsert replaces the page.
func (db *DB) markRepair(ctx context.Context, id, url, channel, why string) error {
	now := db.now()
	return db.write(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRepair).Put([]byte(id), []byte(why)); err != nil {
			return err
		}
		f := sppcrawl.Failure{URL: url, Channel: channel, LastError: "stored page is cut: " + why, LastTry: now, NextRetry: now}
		return putJSON(tx.Bucket(bucketFailures), url, f)
	})
}

// repairCut marks the page of id, found cut by Reextract, for a repair.
func (db *DB) repairCut(ctx context.Context, id string, why error) error {
	var url, channel string
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if r, err := getRecord(tx, id); err == nil && r != nil {
			url, channel = r.Article.URL, r.Article.ChannelPath
		}
		return nil
	})
	if err != nil || url == "" {
		return err
	}
	return db.markRepair(ctx, id, url, channel, why.Error())
}
