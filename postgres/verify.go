package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"sppcrawl"
)

// Verify reads the whole archive as of one moment (Snapshot): every
// article's document decodes and agrees with its row's columns (id, seq,
// URL, channel, content hash) and its URLs resolve to it, every URL and
// case number names an article, every earlier version and raw page
// decodes, every article's current page passes checkPage (the caller's
// test that a page is whole), every file's bytes hash to its name and
// size, every file URL names a file, and no file a stored article names
// is still due. An article whose page is cut (or does not decode) is
// marked for a repair: the next crawl fetches it again, due now in the
// failure log. The database checks its own pages (amcheck): a page
// structure is not this verify's.
func (db *DB) Verify(ctx context.Context, checkPage func(*sppcrawl.RawPage) error) (sppcrawl.VerifyReport, error) {
	rep := sppcrawl.VerifyReport{Problems: []sppcrawl.Problem{}, Cut: []string{}}
	var cuts []cutPage
	err := db.Snapshot(ctx, func(s *DB) error {
		v, err := s.scan(ctx, &rep, checkPage)
		cuts = v.cuts
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("verify %s: %w", db.name, err)
	}
	for _, c := range cuts {
		rep.Cut = append(rep.Cut, c.url)
		if err := db.markRepair(ctx, c.id, c.url, c.channel, c.why); err != nil {
			return rep, fmt.Errorf("verify %s: %w", db.name, err)
		}
	}
	return rep, nil
}

// cutPage is an article whose stored page must be fetched again.
type cutPage struct{ id, url, channel, why string }

// badRow is a row that does not decode: verify --repair sets it aside.
type badRow struct {
	table, key string // the table and the row's key there (as text)
	id, url    string // the article it is of, and its URL ("" if none)
	channel    string // the article's channel
	why        string
}

// verifier is one scan of the archive: its checks add to its report.
type verifier struct {
	db        *DB
	ctx       context.Context
	rep       *sppcrawl.VerifyReport
	checkPage func(*sppcrawl.RawPage) error
	ids       map[string]bool // the articles stored
	awaiting  map[string]bool // the articles set aside, due for a fetch
	urls      map[string]string
	cuts      []cutPage
	bad       []badRow
}

// scan runs every check of Verify on db (a snapshot).
func (db *DB) scan(ctx context.Context, rep *sppcrawl.VerifyReport, checkPage func(*sppcrawl.RawPage) error) (*verifier, error) {
	v := &verifier{db: db, ctx: ctx, rep: rep, checkPage: checkPage, ids: map[string]bool{}, awaiting: map[string]bool{}}
	for _, check := range []struct {
		name string
		run  func() error
	}{{"quarantine", v.quarantined}, {"URLs", v.loadURLs}, {"articles", v.articles}, {"indexes", v.indexes},
		{"versions", v.versions}, {"raw pages", v.rawPages}, {"current pages", v.currentPages},
		{"media", v.media}, {"media due", v.due}, {"crawl records", v.records}} {
		if err := check.run(); err != nil {
			return v, fmt.Errorf("%s: %w", check.name, err)
		}
	}
	return v, nil
}

func (v *verifier) problem(kind, key, format string, args ...any) {
	v.rep.Problems = append(v.rep.Problems, sppcrawl.Problem{Kind: kind, Key: key, Detail: fmt.Sprintf(format, args...)})
}

// quarantined notes the articles set aside by a repair: their versions and
// pages are kept for them, not dangling.
func (v *verifier) quarantined() error {
	return eachRow(v, "SELECT DISTINCT id FROM quarantine WHERE tbl = 'articles' AND id IS NOT NULL", func(id string) {
		v.awaiting[id] = true
	})
}

// loadURLs reads the URL index whole: URL → id.
func (v *verifier) loadURLs() error {
	v.urls = map[string]string{}
	return eachRow(v, "SELECT url, id FROM urls", func(u, id string) { v.urls[u] = id })
}

// kept says whether id is an article stored, or one set aside awaiting
// its fetch.
func (v *verifier) kept(id string) bool { return v.ids[id] || v.awaiting[id] }

// articles: every article's document decodes, agrees with its row and is
// reached by its URLs, a page of rows at a time in seq order.
func (v *verifier) articles() error {
	var after int64
	for {
		rows, err := v.db.rd().Query(v.ctx, `SELECT id, seq, url, channel_path, content_hash, doc FROM articles
			WHERE seq > $1 ORDER BY seq LIMIT $2`, after, page)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var r articleRow
			if err := rows.Scan(&r.id, &r.seq, &r.url, &r.channel, &r.hash, &r.doc); err != nil {
				return err
			}
			v.article(r)
			after, n = r.seq, n+1
		}
		if err := rows.Err(); err != nil || n < page {
			return err
		}
		if err := v.ctx.Err(); err != nil {
			return err
		}
	}
}

// articleRow is an article's row: its columns and document.
type articleRow struct {
	id, url, channel, hash, doc string
	seq                         int64
}

func (v *verifier) article(r articleRow) {
	v.rep.Articles++
	v.ids[r.id] = true
	a, err := decodeArticle(r.doc)
	if err != nil {
		v.problem("undecodable", r.id, "article at seq %d: %v", r.seq, err)
		v.bad = append(v.bad, badRow{table: "articles", key: r.id, id: r.id, url: r.url, channel: r.channel, why: err.Error()})
		return
	}
	for _, c := range []struct{ col, row, doc string }{{"id", r.id, a.ID}, {"seq", fmt.Sprint(r.seq), fmt.Sprint(a.Seq)},
		{"url", r.url, a.URL}, {"channel_path", r.channel, a.ChannelPath}, {"content_hash", r.hash, a.ContentHash}} {
		if c.row != c.doc {
			v.problem("mismatch", r.id, "the row's %s is %q, its document's %q", c.col, c.row, c.doc)
		}
	}
	for _, u := range append([]string{a.URL}, a.Aliases...) {
		if v.urls[u] != r.id {
			v.problem("missing", u, "URL of %s not in the URL index", r.id)
		}
	}
}

// indexes: every URL and case number names a stored article.
func (v *verifier) indexes() error {
	for _, u := range slices.Sorted(maps.Keys(v.urls)) {
		if id := v.urls[u]; !v.ids[id] {
			v.problem("dangling", u, "the URL index points to %s, which is not stored", id)
			v.bad = append(v.bad, badRow{table: "urls", key: u, why: "points to " + id + ", which is not stored"})
		}
	}
	return eachRow(v, "SELECT number, id FROM case_numbers ORDER BY number", func(number, id string) {
		if !v.ids[id] {
			v.problem("dangling", number, "the case number index points to %s, which is not stored", id)
			v.bad = append(v.bad, badRow{table: "case_numbers", key: number, why: "points to " + id + ", which is not stored"})
		}
	})
}

// eachRow runs query (of two text columns, or one) in the snapshot and
// calls fn with every row.
func eachRow[F func(string) | func(string, string)](v *verifier, query string, fn F) error {
	rows, err := v.db.rd().Query(v.ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		switch f := any(fn).(type) {
		case func(string):
			if err := rows.Scan(&a); err != nil {
				return err
			}
			f(a)
		case func(string, string):
			if err := rows.Scan(&a, &b); err != nil {
				return err
			}
			f(a, b)
		}
	}
	return rows.Err()
}

// versions: every earlier version decodes and belongs to a stored article
// (or one set aside, awaiting its fetch), a page of rows at a time.
func (v *verifier) versions() error {
	after, afterN := "", 0
	for {
		rows, err := v.db.rd().Query(v.ctx, `SELECT id, version, doc FROM versions
			WHERE (id, version) > ($1, $2) ORDER BY id, version LIMIT $3`, after, afterN, page)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var doc string
			if err := rows.Scan(&after, &afterN, &doc); err != nil {
				return err
			}
			v.version(after, afterN, doc)
			n++
		}
		if err := rows.Err(); err != nil || n < page {
			return err
		}
	}
}

func (v *verifier) version(id string, n int, doc string) {
	v.rep.Versions++
	var d versionDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		v.problem("undecodable", id, "version %d: %v", n, err)
		v.bad = append(v.bad, badRow{table: "versions", key: fmt.Sprintf("%s %d", id, n), id: id, why: err.Error()})
		return
	}
	if !v.kept(id) {
		v.problem("dangling", id, "version %d of an article not stored", n)
	}
}

// rawPages: every raw page's header decodes, a page of rows at a time
// (without their bodies).
func (v *verifier) rawPages() error {
	var after int64
	for {
		rows, err := v.db.rd().Query(v.ctx, "SELECT key, id, header FROM raw_pages WHERE key > $1 ORDER BY key LIMIT $2", after, page)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var id, hdr string
			if err := rows.Scan(&after, &id, &hdr); err != nil {
				return err
			}
			v.rep.RawPages++
			n++
			var p sppcrawl.RawPage
			if err := json.Unmarshal([]byte(hdr), &p); err != nil {
				v.problem("undecodable", fmt.Sprint("raw ", after), "raw page of %s: %v", id, err)
				v.bad = append(v.bad, badRow{table: "raw_pages", key: fmt.Sprint(after), id: id, why: err.Error()})
			}
		}
		if err := rows.Err(); err != nil || n < page {
			return err
		}
	}
}

// currentPages: every article's current page decodes and is whole; one
// that is not is noted for a repair (a fetch by the next crawl).
func (v *verifier) currentPages() error {
	after := ""
	for {
		rows, err := v.db.rd().Query(v.ctx, `SELECT a.id, a.url, a.channel_path, r.header, r.body
			FROM articles a JOIN raw_pages r ON r.key = a.raw_key WHERE a.id > $1 ORDER BY a.id LIMIT $2`, after, pageOfBodies)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var c cutPage
			var hdr string
			var body []byte
			if err := rows.Scan(&c.id, &c.url, &c.channel, &hdr, &body); err != nil {
				return err
			}
			v.currentPage(c, hdr, body)
			after, n = c.id, n+1
		}
		if err := rows.Err(); err != nil || n < pageOfBodies {
			return err
		}
		if err := v.ctx.Err(); err != nil {
			return err
		}
	}
}

// pageOfBodies is how many raw pages, bodies and all, a query reads.
const pageOfBodies = 64

func (v *verifier) currentPage(c cutPage, hdr string, body []byte) {
	p, err := decodeRaw(hdr, body)
	if err != nil {
		// Like a page cut short, fetched again by the next crawl.
		v.problem("undecodable", c.id, "raw page: %v", err)
		c.why = "stored page does not decode: " + err.Error()
		v.cuts = append(v.cuts, c)
		return
	}
	if err := v.checkPage(p); err != nil {
		c.why = "stored page is cut: " + err.Error()
		v.cuts = append(v.cuts, c)
		v.problem("cut", c.url, "%v", err)
	}
}

// media: every file's index entry decodes and its bytes hash to its name
// and size (hashed by the database: the bytes stay there); every file URL
// names a file.
func (v *verifier) media() error {
	rows, err := v.db.rd().Query(v.ctx, `SELECT sha, size, doc, encode(sha256(body), 'hex'), length(body) FROM media ORDER BY sha`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sha, doc, sum string
		var size, n int64
		if err := rows.Scan(&sha, &size, &doc, &sum, &n); err != nil {
			return err
		}
		var m sppcrawl.MediaInfo
		switch err := json.Unmarshal([]byte(doc), &m); {
		case err != nil:
			v.problem("undecodable", sha, "media index entry: %v", err)
		case sum != sha || n != size || m.SHA256 != sha || m.Size != size:
			v.problem("mismatch", sha, "media file of %s: %d bytes hashing to %s; its entry says %d bytes", m.URL, n, sum, size)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return eachRow(v, "SELECT u.url, u.sha FROM media_urls u LEFT JOIN media m USING (sha) WHERE m.sha IS NULL ORDER BY u.url", func(u, sha string) {
		v.problem("dangling", u, "the file URL index points to %s, which is not stored", sha)
		v.bad = append(v.bad, badRow{table: "media_urls", key: u, why: "points to " + sha + ", which is not stored"})
	})
}

// due: no file a stored article names is still due (a problem each, as
// the bbolt store counts them).
func (v *verifier) due() error {
	due, err := v.db.DueMedia(v.ctx)
	if errors.Is(err, sppcrawl.ErrUndecodable) {
		return nil // an article that does not decode is a problem already
	}
	for _, d := range due {
		what := "attachment"
		if d.Image {
			what = "image"
		}
		v.problem("due", d.URL, "%s of %s not archived yet: the next crawl (or sppcrawl media) fetches it", what, d.ID)
	}
	return err
}

// records: the crawl's own records (failures, channel states, gone
// sightings, the log's events) are JSON; one that is not is set aside by
// a repair (the crawl rebuilds what it needs).
func (v *verifier) records() error {
	for _, t := range recordTables {
		err := eachRow(v, "SELECT "+t.key+", doc FROM "+t.name+" ORDER BY 1", func(key, doc string) {
			if !json.Valid([]byte(doc)) {
				v.problem("undecodable", key, "%s record", t.name)
				v.bad = append(v.bad, badRow{table: t.name, key: key, why: t.name + " record is not JSON"})
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// recordTables are the crawl's records verify checks, with the key of a
// row as text.
var recordTables = []struct{ name, key string }{
	{"failures", "url"}, {"channel_states", "site || path"}, {"gone", "id"}, {"events", "seq::text"},
}
