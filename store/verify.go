package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

// Problem is something Verify found wrong (the root's, one for every
// backend).
type Problem = sppcrawl.Problem

// VerifyReport is what Verify checked and found.
type VerifyReport = sppcrawl.VerifyReport

// cutPage is an article whose stored page is cut short.
type cutPage struct{ id, url, channel, why string }

// verifier is one Verify: the read transaction's checks add to its report.
type verifier struct {
	db        *DB
	ctx       context.Context
	tx        *bolt.Tx
	rep       *VerifyReport
	checkPage func(*sppcrawl.RawPage) error
	cuts      []cutPage
	awaiting  map[string]bool // ids whose record was set aside, due for a fetch
}

// awaitingFetch reports whether id's current record was quarantined: its
// earlier versions and page are kept for it, not dangling.
func (v *verifier) awaitingFetch(id string) bool {
	if v.awaiting == nil {
		v.awaiting = map[string]bool{}
		if q := v.tx.Bucket(bucketQuarantine); q != nil {
			q.ForEach(func(_, val []byte) error {
				if len(val) >= 4 {
					var h quarantined
					if n := binary.BigEndian.Uint32(val); int(n) <= len(val)-4 && json.Unmarshal(val[4:4+n], &h) == nil && h.ID != "" {
						v.awaiting[h.ID] = !v.hasID([]byte(h.ID))
					}
				}
				return nil
			})
		}
	}
	return v.awaiting[id]
}

func (v *verifier) problem(kind, key, format string, args ...any) {
	v.rep.Problems = append(v.rep.Problems, Problem{Kind: kind, Key: key, Detail: fmt.Sprintf(format, args...)})
}

func (v *verifier) hasID(id []byte) bool { return len(v.tx.Bucket(bucketIDs).Get(id)) == 8 }

// Verify reads the whole archive: every record decodes, every index entry
// points to a record, every current raw page passes checkPage (the
// caller's test that a page is whole), every indexed media file is in the
// media folder, and no file a stored article names is still due. Articles whose page is cut (stored by
// an older release that could not tell) are marked for a repair: the next
// crawl fetches them again, due now in the failure log.
func (db *DB) Verify(ctx context.Context, checkPage func(*sppcrawl.RawPage) error) (VerifyReport, error) {
	rep, err := db.verifyArchive(ctx, checkPage)
	if err != nil || db.broken != nil { // nothing reads from a damaged structure
		return rep, err
	}
	problem := func(kind, key, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{Kind: kind, Key: key, Detail: fmt.Sprintf(format, args...)})
	}
	_, err = db.verifyMedia(ctx, problem)
	if err == nil {
		err = db.verifyDue(ctx, problem)
	}
	switch {
	case errors.Is(err, ErrDamaged):
		// A damaged page under the media index is one more problem.
		rep.Problems = append(rep.Problems, Problem{Kind: "damaged", Key: "media index", Detail: err.Error()})
	case err != nil:
		return rep, err
	}
	return rep, nil
}

// verifyArchive is Verify of the archive file alone (not its media folder).
func (db *DB) verifyArchive(ctx context.Context, checkPage func(*sppcrawl.RawPage) error) (VerifyReport, error) {
	rep := VerifyReport{Problems: []Problem{}, Cut: []string{}}
	v := &verifier{db: db, ctx: ctx, rep: &rep, checkPage: checkPage}
	if db.structure != nil {
		// bbolt is kept out of a damaged structure: its places are the report.
		for _, p := range db.structure.Problems {
			v.problem("damaged", "file", "%s", p)
		}
		if n := db.structure.Damaged - len(db.structure.Problems); n > 0 {
			v.problem("damaged", "file", "%d more damaged places", n)
		}
		return rep, nil
	}
	if db.openDamage != nil {
		v.problem("damaged", "file", "%v", db.openDamage)
	}
	// Each check reads in its own transaction: a damaged page of the file
	// ends that check (a problem of kind damaged), not the others.
	for _, c := range []struct {
		name  string
		check func() error
	}{{"articles", v.articles}, {"id index", v.ids}, {"URL, hash and channel indexes", v.indexes}, {"versions", v.versions},
		{"raw pages", v.rawPages}, {"current pages", v.currentPages}, {"crawl records", v.records}} {
		err := db.view(ctx, func(tx *bolt.Tx) error {
			v.tx = tx
			return c.check()
		})
		switch {
		case errors.Is(err, ErrDamaged):
			v.problem("damaged", c.name, "%v", err)
		case err != nil:
			return rep, err
		}
	}
	for _, c := range v.cuts {
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

// articles: every article decodes and is where the id, URL and channel
// indexes say.
func (v *verifier) articles() error {
	urls := v.tx.Bucket(bucketURLs)
	return v.tx.Bucket(bucketArticles).ForEach(func(k, val []byte) error {
		v.rep.Articles++
		seq := seqKey(k)
		a, err := decodeArticle(val)
		if err != nil {
			v.problem("undecodable", fmt.Sprint("seq ", seq), "%v", err)
			return nil
		}
		if got, _ := seqOf(v.tx, a.ID); got != seq {
			v.problem("dangling", a.ID, "article at seq %d, the id index says seq %d", seq, got)
		}
		for _, u := range append([]string{a.URL}, a.Aliases...) {
			if string(urls.Get([]byte(u))) != a.ID {
				v.problem("missing", u, "URL of %s not in the URL index", a.ID)
			}
		}
		if v.tx.Bucket(bucketChanIdx).Get(chanKey(a)) == nil {
			v.problem("missing", a.ID, "not in the channel index")
		}
		return v.ctx.Err()
	})
}

// ids: every entry of the id index holds an article.
func (v *verifier) ids() error {
	return v.tx.Bucket(bucketIDs).ForEach(func(id, seq []byte) error {
		if len(seq) != 8 || v.tx.Bucket(bucketArticles).Get(seq) == nil {
			v.problem("dangling", string(id), "the id index points to seq %d, which holds nothing", seqKey(seq))
		}
		return nil
	})
}

// indexes: every URL, content hash and channel entry names a stored
// article.
func (v *verifier) indexes() error {
	for _, idx := range []struct {
		name string
		b    []byte
	}{{"URL", bucketURLs}, {"content hash", bucketHashes}} {
		err := v.tx.Bucket(idx.b).ForEach(func(k, id []byte) error {
			if !v.hasID(id) {
				v.problem("dangling", string(k), "the %s index points to %s, which is not stored", idx.name, id)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return v.tx.Bucket(bucketChanIdx).ForEach(func(k, _ []byte) error {
		if i := bytes.IndexByte(k, 0); i < 0 || len(k) < i+9 || !v.hasID(k[i+9:]) {
			v.problem("dangling", string(k), "channel index entry without its article")
		}
		return nil
	})
}

// versions: every earlier version decodes, belongs to a stored article and
// has its raw page.
func (v *verifier) versions() error {
	raws := v.tx.Bucket(bucketRaw)
	return v.tx.Bucket(bucketVersions).ForEach(func(k, val []byte) error {
		v.rep.Versions++
		id, ok := versionKeyID(k)
		if !ok {
			v.problem("undecodable", fmt.Sprintf("%q", k), "a version key too short to name its article")
			return nil
		}
		var r versionRecord
		if err := json.Unmarshal(val, &r); err != nil {
			v.problem("undecodable", id, "a version: %v", err)
			return nil
		}
		if !v.hasID([]byte(id)) && !v.awaitingFetch(id) {
			v.problem("dangling", id, "version %d of an article not stored", r.Version)
		}
		if r.RawKey != 0 && raws.Get(u64(r.RawKey)) == nil {
			v.problem("missing", id, "raw page of version %d", r.Version)
		}
		return v.ctx.Err()
	})
}

// versionKeyID is the article id of a version key (id \x00 version).
func versionKeyID(k []byte) (string, bool) {
	if len(k) < 6 || k[len(k)-5] != 0 {
		return "", false
	}
	return string(k[:len(k)-5]), true
}

// seqKey reads an 8-byte key (0 for any other length).
func seqKey(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// rawPages: every raw page's header decodes.
func (v *verifier) rawPages() error {
	return v.tx.Bucket(bucketRaw).ForEach(func(k, val []byte) error {
		v.rep.RawPages++
		if _, err := rawHeader(val); err != nil {
			v.problem("undecodable", fmt.Sprint("raw ", seqKey(k)), "%v", err)
		}
		return nil
	})
}

// currentPages: every article's current page decodes and is whole; one
// cut short is noted for a repair.
func (v *verifier) currentPages() error {
	return v.tx.Bucket(bucketRawOf).ForEach(func(id, key []byte) error {
		if !v.hasID(id) {
			if !v.awaitingFetch(string(id)) {
				v.problem("dangling", string(id), "raw page of an article not stored")
			}
			return nil
		}
		p, err := v.db.getRaw(v.tx, seqKey(key))
		if err != nil {
			// Like a page cut short, fetched again by the next crawl.
			v.problem("undecodable", string(id), "raw page: %v", err)
			v.cut(string(id), "", "stored page does not decode: "+err.Error())
			return nil
		}
		if err := v.checkPage(p); err != nil {
			c := v.cut(string(id), p.URL, "stored page is cut: "+err.Error())
			v.problem("cut", c.url, "%v", err)
		}
		return v.ctx.Err()
	})
}

// cut notes an article whose stored page must be fetched again, at the URL
// its record says (else url).
func (v *verifier) cut(id, url, why string) cutPage {
	c := cutPage{id: id, url: url, why: why}
	if r, _ := getRecord(v.tx, id); r != nil {
		c.url, c.channel = r.Article.URL, r.Article.ChannelPath
	}
	if c.url != "" {
		v.cuts = append(v.cuts, c)
	}
	return c
}

// records: the crawl's own records (failures, channels, runs, gone
// sightings) are JSON.
func (v *verifier) records() error {
	for _, name := range [][]byte{bucketFailures, bucketChannels, bucketRuns, bucketGone} {
		err := v.tx.Bucket(name).ForEach(func(k, val []byte) error {
			if !json.Valid(val) {
				v.problem("undecodable", string(k), "%s record", name)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// markRepair marks an article whose stored page is cut: the next crawl
// fetches it again (due now in the failure log) and Upsert replaces the page.
func (db *DB) markRepair(ctx context.Context, id, url, channel, why string) error {
	now := db.now()
	return db.write(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRepair).Put([]byte(id), []byte(why)); err != nil {
			return err
		}
		f := sppcrawl.Failure{URL: url, Channel: channel, LastError: why, LastTry: now, NextRetry: now}
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
	return db.markRepair(ctx, id, url, channel, "stored page is cut: "+why.Error())
}
