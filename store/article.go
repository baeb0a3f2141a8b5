package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// Stored is an article with what the store knows about it beyond the
// article (the root package's).
type Stored = sppcrawl.Stored

// Upsert stores a freshly extracted article and, when raw is not nil, the page
// it came from, in one transaction:
//
//   - Created: a new id and new content; a new seq.
//   - Unchanged: the same URL (or alias) and no change that makes a version
//     (sppcrawl.Revision); only the time it was last checked moves.
//   - Updated: the same id with a change that makes a version (the text, or
//     any other field the page states: 来源, 作者, the time…); version+1, a
//     new seq (pullers see it once more). The earlier version stays whole:
//     its article and its raw page (see Versions).
//   - Restored: a withdrawn article answering again, unchanged: withdrawn_at
//     goes, a new seq tells pullers.
//   - Aliased: another URL with the same id, or new content-identical to a stored
//     article; the URL joins that article's aliases, no new seq (unless it
//     becomes the canonical URL, see canonical.go).
//
// The canonical URL is the one of the article's own channel, whatever the
// order the URLs come in (see canonical.go); the others are aliases, so every
// URL ever seen resolves with GetByURL. Any
// successful fetch also forgets an earlier sighting of the URL answering gone.
func (db *DB) Upsert(ctx context.Context, a *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	if a == nil || a.ID == "" || a.URL == "" {
		return sppcrawl.UpsertResult{}, errors.New("upsert: article without id or url")
	}
	if err := ctx.Err(); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if db.readOnly {
		return sppcrawl.UpsertResult{}, ErrReadOnly
	}
	if a.ContentHash == "" {
		a.ContentHash = a.ComputeHash()
	}
	rawVal, skipRaw, err := db.rawToStore(ctx, a, raw)
	if err != nil {
		return sppcrawl.UpsertResult{}, fmt.Errorf("upsert %s: %w", a.URL, err)
	}
	now := db.now()
	var res sppcrawl.UpsertResult
	err = db.write(ctx, func(tx *bolt.Tx) error {
		var err error
		res, err = upsertTx(tx, db.layoutOf(a.URL), a, rawVal, now)
		return err
	})
	if err != nil {
		return sppcrawl.UpsertResult{}, fmt.Errorf("upsert %s into %s: %w", a.URL, db.path, err)
	}
	db.counts.upserts[res.Outcome].Add(1)
	if skipRaw && res.Outcome == sppcrawl.Updated {
		// Another writer changed the article between the check and the
		// transaction: the raw page skipped above belongs to this version.
		if rawVal, err = db.encodeRaw(raw); err == nil {
			err = db.write(ctx, func(tx *bolt.Tx) error { return putRawOf(tx, res.ID, rawVal) })
		}
		if err != nil {
			return res, fmt.Errorf("upsert %s into %s: raw page: %w", a.URL, db.path, err)
		}
	}
	return res, nil
}

// rawToStore compresses the raw page an upsert of a stores, before the
// write transaction (work that needs no lock; compressing is the expensive
// part). skip: none is needed, as the page stored has the same content
// (the commonest case on a re-crawl).
func (db *DB) rawToStore(ctx context.Context, a *sppcrawl.Article, raw *sppcrawl.RawPage) (rawVal []byte, skip bool, err error) {
	if raw == nil {
		return nil, false, nil
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		o, _, err := decide(tx, a)
		skip = o == sppcrawl.Unchanged && tx.Bucket(bucketRepair).Get([]byte(a.ID)) == nil
		return err
	})
	if err != nil || skip {
		return nil, skip, err
	}
	rawVal, err = db.encodeRaw(raw)
	return rawVal, false, err
}

// record is a stored article as upserts act on it.
type record struct {
	Article *sppcrawl.Article
	// damaged is set, with the record's seq, when the stored record does
	// not decode: the upsert quarantines it and stores the article anew.
	damaged error
	seq     uint64
}

// decide is what an upsert of in would do, with the stored record it acts on
// (nil when Created). Upsert, its pre-check and Predict all ask it.
func decide(tx *bolt.Tx, in *sppcrawl.Article) (sppcrawl.Outcome, *record, error) {
	old, err := getRecord(tx, in.ID)
	if errors.Is(err, ErrUndecodable) {
		// The page fetched again replaces what no longer decodes.
		seq, _ := seqOf(tx, in.ID)
		return sppcrawl.Created, &record{damaged: err, seq: seq}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	if old == nil {
		// New content identical to a stored article of its site under
		// another id (another site's is that site's own document).
		if otherID := hashOwner(tx.Bucket(bucketHashes), in); otherID != nil && string(otherID) != in.ID {
			other, err := getRecord(tx, string(otherID))
			if err != nil && !errors.Is(err, ErrUndecodable) {
				return 0, nil, err
			}
			if other != nil {
				return sppcrawl.Aliased, other, nil
			}
		}
		return sppcrawl.Created, nil, nil
	}
	return sppcrawl.Refetched(old.Article, in), old, nil
}

// Predict says what Upsert would do with a, changing nothing (fetch --dry-run).
func (db *DB) Predict(ctx context.Context, a *sppcrawl.Article) (sppcrawl.Outcome, error) {
	if a.ContentHash == "" {
		a.ContentHash = a.ComputeHash()
	}
	var o sppcrawl.Outcome
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		o, _, err = decide(tx, a)
		return err
	})
	return o, err
}

func upsertTx(tx *bolt.Tx, site sppcrawl.URLs, in *sppcrawl.Article, rawVal []byte, now time.Time) (sppcrawl.UpsertResult, error) {
	outcome, old, err := decide(tx, in)
	if err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	switch {
	case outcome == sppcrawl.Created && old != nil && old.damaged != nil:
		if err := quarantineArticle(tx, in.ID, old.seq, old.damaged.Error(), now); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
		return create(tx, in, rawVal, now)
	case outcome == sppcrawl.Created:
		return create(tx, in, rawVal, now)
	case outcome == sppcrawl.Aliased:
		return alias(tx, site, old, in, rawVal, now)
	}
	a := old.Article
	if err := fetchedFine(tx, a.ID, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	switch outcome {
	case sppcrawl.Unchanged:
		// A page to repair (stored cut by an older release) is replaced by
		// the whole one just fetched, under the same version.
		if rawVal != nil && tx.Bucket(bucketRepair).Get([]byte(a.ID)) != nil {
			if err := putRawOf(tx, a.ID, rawVal); err != nil {
				return sppcrawl.UpsertResult{}, err
			}
		}
		return sppcrawl.UpsertResult{Outcome: sppcrawl.Unchanged, ID: a.ID, Seq: a.Seq, Version: a.Version}, nil
	case sppcrawl.Restored:
		a.WithdrawnAt = time.Time{}
		if err := addCount(tx, countWithdrawn, -1); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
		if err := reseq(tx, a, now); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
		return sppcrawl.UpsertResult{Outcome: sppcrawl.Restored, ID: a.ID, Seq: a.Seq, Version: a.Version}, nil
	}
	return update(tx, old, in, rawVal, now)
}

// update stores in as the next version of old; old is kept whole.
func update(tx *bolt.Tx, old *record, in *sppcrawl.Article, rawVal []byte, now time.Time) (sppcrawl.UpsertResult, error) {
	a := old.Article
	if err := keepVersion(tx, a, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n := *in
	n.Images, n.Attachments = slices.Clone(in.Images), slices.Clone(in.Attachments)
	if err := storeMedia(tx, &n, a); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n.URL, n.Aliases = a.URL, a.Aliases
	if in.URL != a.URL {
		// A new version read at an alias: its page names the channel of the
		// alias, not the article's own.
		n.Channel, n.ChannelPath = a.Channel, a.ChannelPath
	}
	n.Version = a.Version + 1
	n.FirstSeenAt = a.FirstSeenAt
	n.UpdatedAt = now
	n.WithdrawnAt = time.Time{}
	if n.FetchedAt.IsZero() {
		n.FetchedAt = now
	}
	// The article moves to a new seq at the end of the log. Without a new
	// page (reextract), the one stored produced both versions and stays.
	if err := dropSeq(tx, a.Seq); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	var err error
	if n.Seq, err = tx.Bucket(bucketArticles).NextSequence(); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := moveKeys(tx, a, &n); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := putArticle(tx, &n, true); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := putEvent(tx, sppcrawl.EventUpdated, &n, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if rawVal != nil {
		if err := putRawOf(tx, n.ID, rawVal); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
	}
	return sppcrawl.UpsertResult{Outcome: sppcrawl.Updated, ID: n.ID, Seq: n.Seq, Version: n.Version}, nil
}

// keepVersion stores a, the version being replaced, among the article's
// versions, as it is stored now; it no longer counts as withdrawn.
func keepVersion(tx *bolt.Tx, a *sppcrawl.Article, now time.Time) error {
	prevJSON, err := articleJSON(tx.Bucket(bucketArticles).Get(u64(a.Seq)))
	if err != nil {
		return err
	}
	prev := versionRecord{Version: a.Version, ContentHash: a.ContentHash, StoredAt: a.UpdatedAt, ReplacedAt: now,
		RawKey: rawKeyOf(tx, a.ID), Article: prevJSON}
	if err := putVersion(tx, a.ID, prev); err != nil {
		return err
	}
	if !a.WithdrawnAt.IsZero() {
		return addCount(tx, countWithdrawn, -1)
	}
	return nil
}

// moveKeys moves what points at the article from version a to n: its
// content hash, its place in its channel's index, the fill and channel
// counters.
func moveKeys(tx *bolt.Tx, a, n *sppcrawl.Article) error {
	hashes := tx.Bucket(bucketHashes)
	for _, k := range [][]byte{[]byte(a.ContentHash), siteHashKey(a)} {
		if bytes.Equal(hashes.Get(k), []byte(a.ID)) {
			if err := hashes.Delete(k); err != nil {
				return err
			}
		}
	}
	if err := putHash(hashes, n); err != nil {
		return err
	}
	if err := moveChanIdx(tx, a, n); err != nil {
		return err
	}
	if err := addFill(tx, a, -1); err != nil {
		return err
	}
	if err := addFill(tx, n, 1); err != nil {
		return err
	}
	if a.ChannelPath == n.ChannelPath {
		return nil
	}
	if err := addChannel(tx, a.ChannelPath, -1); err != nil {
		return err
	}
	return addChannel(tx, n.ChannelPath, 1)
}

func create(tx *bolt.Tx, in *sppcrawl.Article, rawVal []byte, now time.Time) (sppcrawl.UpsertResult, error) {
	n := *in
	n.Images, n.Attachments = slices.Clone(in.Images), slices.Clone(in.Attachments)
	if err := storeMedia(tx, &n, nil); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n.Aliases = []string{}
	// 1, unless earlier versions of the id are kept (its current record was
	// quarantined): the numbering goes on.
	n.Version = lastVersion(tx, n.ID) + 1
	n.FirstSeenAt, n.UpdatedAt = now, now
	n.WithdrawnAt = time.Time{}
	if n.FetchedAt.IsZero() {
		n.FetchedAt = now
	}
	var err error
	if n.Seq, err = tx.Bucket(bucketArticles).NextSequence(); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := addKeys(tx, &n, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := putArticle(tx, &n, true); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := putEvent(tx, sppcrawl.EventCreated, &n, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if rawVal != nil {
		if err := putRawOf(tx, n.ID, rawVal); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
	}
	return sppcrawl.UpsertResult{Outcome: sppcrawl.Created, ID: n.ID, Seq: n.Seq, Version: n.Version}, nil
}

// putHash makes n the article of its content hash within its site. The
// index keys a hash alone for the first site that stored it (every
// archive before sites were kept) and site key, NUL, hash for another
// site's, so that each site's second URLs are found as such, and another
// site's copy is that site's own document (see decide).
func putHash(hashes *bolt.Bucket, n *sppcrawl.Article) error {
	k := []byte(n.ContentHash)
	if old := hashes.Get(k); old != nil && sppcrawl.IDKey(string(old)) != sppcrawl.IDKey(n.ID) {
		k = siteHashKey(n)
	}
	return hashes.Put(k, []byte(n.ID))
}

// hashOwner is the id of the stored article of a's site with a's content
// hash (nil: none).
func hashOwner(hashes *bolt.Bucket, a *sppcrawl.Article) []byte {
	id := hashes.Get([]byte(a.ContentHash))
	if id != nil && sppcrawl.IDKey(string(id)) != sppcrawl.IDKey(a.ID) {
		id = hashes.Get(siteHashKey(a))
	}
	return id
}

// siteHashKey is the key of a's hash for a site not the hash's first.
func siteHashKey(a *sppcrawl.Article) []byte {
	return []byte(sppcrawl.IDKey(a.ID) + "\x00" + a.ContentHash)
}

// addKeys makes a new article findable and counted: by URL, content hash
// and channel, in the recheck queue, the fill and article counters; its
// URL is no longer a gap.
func addKeys(tx *bolt.Tx, n *sppcrawl.Article, now time.Time) error {
	id := []byte(n.ID)
	for _, kv := range []struct {
		b    []byte
		k, v []byte
	}{
		{bucketURLs, []byte(n.URL), id},
		{bucketChanIdx, chanKey(n), nil},
	} {
		if err := tx.Bucket(kv.b).Put(kv.k, kv.v); err != nil {
			return err
		}
	}
	if err := putHash(tx.Bucket(bucketHashes), n); err != nil {
		return err
	}
	if err := setChecked(tx, n.ID, now); err != nil {
		return err
	}
	if err := addFill(tx, n, 1); err != nil {
		return err
	}
	if err := addCount(tx, countArticles, 1); err != nil {
		return err
	}
	if err := addChannel(tx, n.ChannelPath, 1); err != nil {
		return err
	}
	return stored(tx, n.URL)
}

// alias adds in's URL to an existing article (see Upsert for which URL
// stays canonical); rawVal is in's page.
func alias(tx *bolt.Tx, site sppcrawl.URLs, r *record, in *sppcrawl.Article, rawVal []byte, now time.Time) (sppcrawl.UpsertResult, error) {
	a, url := r.Article, in.URL
	if url != a.URL && !slices.Contains(a.Aliases, url) {
		home, err := rehome(tx, site, a, in, rawVal, now)
		if err != nil {
			return sppcrawl.UpsertResult{}, err
		}
		if !home {
			a.Aliases = append(a.Aliases, url)
			slices.Sort(a.Aliases)
			if err := putArticle(tx, a, false); err != nil {
				return sppcrawl.UpsertResult{}, err
			}
		}
	}
	if err := tx.Bucket(bucketURLs).Put([]byte(url), []byte(a.ID)); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := stored(tx, url); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := setChecked(tx, a.ID, now); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	return sppcrawl.UpsertResult{Outcome: sppcrawl.Aliased, ID: a.ID, Seq: a.Seq, Version: a.Version}, nil
}

// reseq moves an article to a new seq at the end of the log, so every puller
// gets it again: a withdrawal (withdrawn_at set), a restoration (cleared).
func reseq(tx *bolt.Tx, a *sppcrawl.Article, now time.Time) error {
	if err := dropSeq(tx, a.Seq); err != nil {
		return err
	}
	var err error
	if a.Seq, err = tx.Bucket(bucketArticles).NextSequence(); err != nil {
		return err
	}
	if err := putArticle(tx, a, true); err != nil {
		return err
	}
	typ := sppcrawl.EventRestored
	if !a.WithdrawnAt.IsZero() {
		typ = sppcrawl.EventWithdrawn
	}
	return putEvent(tx, typ, a, now)
}

// dropSeq removes the article stored under seq (it moves to a new one).
func dropSeq(tx *bolt.Tx, seq uint64) error {
	if err := tx.Bucket(bucketArticles).Delete(u64(seq)); err != nil {
		return err
	}
	return tx.Bucket(bucketCaseIdx).Delete(u64(seq))
}

func chanKey(a *sppcrawl.Article) []byte {
	k := make([]byte, 0, len(a.ChannelPath)+1+8+len(a.ID))
	k = append(k, a.ChannelPath...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(a.PublishedAt.Unix()))
	return append(k, a.ID...)
}

func moveChanIdx(tx *bolt.Tx, old, n *sppcrawl.Article) error {
	ok, nk := chanKey(old), chanKey(n)
	if bytes.Equal(ok, nk) {
		return nil
	}
	b := tx.Bucket(bucketChanIdx)
	if err := b.Delete(ok); err != nil {
		return err
	}
	return b.Put(nk, nil)
}

// seqOf is the seq an article is stored under.
func seqOf(tx *bolt.Tx, id string) (uint64, bool) {
	v := tx.Bucket(bucketIDs).Get([]byte(id))
	if len(v) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v), true
}

func getRecord(tx *bolt.Tx, id string) (*record, error) {
	seq, ok := seqOf(tx, id)
	if !ok {
		return nil, nil
	}
	a, err := decodeArticle(tx.Bucket(bucketArticles).Get(u64(seq)))
	if err != nil {
		return nil, fmt.Errorf("article %s (seq %d): %w", id, seq, err)
	}
	if a == nil {
		return nil, fmt.Errorf("article %s: %w", id, undecodable("the id index points to seq %d, which holds nothing", seq))
	}
	return &record{Article: a}, nil
}

// decodeArticle decodes a stored article value into fresh memory: nothing
// of v outlives the transaction. A nil v gives a nil article.
func decodeArticle(v []byte) (*sppcrawl.Article, error) {
	j, err := articleJSON(v)
	if err != nil || j == nil {
		return nil, err
	}
	var a sppcrawl.Article
	if err := json.Unmarshal(j, &a); err != nil {
		return nil, undecodable("article: %v", err)
	}
	return &a, nil
}

// putArticle writes the article under its seq and bumps the generation that
// tells readers the exported data changed. appended says the seq is new,
// hence the last key: the bucket then fills its pages completely, as an
// append-only log does.
func putArticle(tx *bolt.Tx, a *sppcrawl.Article, appended bool) error {
	// Stored as exported: body_html's tags kept literal, not \u003c-escaped
	// (a third of the bytes of a tag, and the export splices this JSON).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return err
	}
	v, err := encodeChunk(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	if err != nil {
		return err
	}
	articles := tx.Bucket(bucketArticles)
	if appended {
		articles.FillPercent = 1.0
	}
	if err := articles.Put(u64(a.Seq), v); err != nil {
		return err
	}
	if err := tx.Bucket(bucketIDs).Put([]byte(a.ID), u64(a.Seq)); err != nil {
		return err
	}
	if err := indexCases(tx, a); err != nil {
		return err
	}
	return bumpGeneration(tx)
}

// indexCases records where an article's cases are, for the cases API and
// export, which then read only those articles.
func indexCases(tx *bolt.Tx, a *sppcrawl.Article) error {
	if len(a.Cases) == 0 {
		return nil
	}
	if err := tx.Bucket(bucketCaseIdx).Put(u64(a.Seq), nil); err != nil {
		return err
	}
	for _, c := range a.Cases {
		if c.Number != "" {
			if err := tx.Bucket(bucketCaseNum).Put([]byte(c.Number), []byte(a.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

func bumpGeneration(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	gen := uint64(0)
	if g := meta.Get(keyGeneration); len(g) == 8 {
		gen = binary.BigEndian.Uint64(g)
	}
	return meta.Put(keyGeneration, u64(gen+1))
}
