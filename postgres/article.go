package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"sppcrawl"
)

// Upsert stores a freshly extracted article and, when raw is not nil, the
// page it came from, in one transaction, with the outcomes of the bbolt
// store (see store.DB.Upsert): created, unchanged, updated (a version
// kept whole), restored, aliased (or moved to the URL of its own channel).
func (db *DB) Upsert(ctx context.Context, a *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	if a == nil || a.ID == "" || a.URL == "" {
		return sppcrawl.UpsertResult{}, errors.New("upsert: article without id or url")
	}
	if a.ContentHash == "" {
		a.ContentHash = a.ComputeHash()
	}
	var res sppcrawl.UpsertResult
	err := db.write(ctx, func(w *wtx) error {
		var err error
		res, err = w.upsert(a, raw)
		return err
	})
	if err != nil {
		return sppcrawl.UpsertResult{}, fmt.Errorf("upsert %s into %s: %w", a.URL, db.name, err)
	}
	db.upserts[res.Outcome].Add(1)
	return res, nil
}

// Predict says what Upsert would do with a, changing nothing.
func (db *DB) Predict(ctx context.Context, a *sppcrawl.Article) (sppcrawl.Outcome, error) {
	if a.ContentHash == "" {
		a.ContentHash = a.ComputeHash()
	}
	o, _, err := decide(ctx, db.rd(), a)
	if err != nil {
		return 0, fmt.Errorf("predict %s: %w", a.URL, err)
	}
	return o, nil
}

// decide is what an upsert of in would do, with the stored article it
// acts on (nil when Created).
func decide(ctx context.Context, q querier, in *sppcrawl.Article) (sppcrawl.Outcome, *sppcrawl.Article, error) {
	old, err := articleByID(ctx, q, in.ID)
	if err != nil {
		return 0, nil, err
	}
	if old == nil {
		// New content identical to a stored article of its site under
		// another id (another site's is that site's own document).
		var other string
		err := q.QueryRow(ctx, `SELECT id FROM articles WHERE content_hash = $1 AND id <> $2 AND starts_with(id, $3)
			ORDER BY seq DESC LIMIT 1`, in.ContentHash, in.ID, sppcrawl.IDKey(in.ID)+"-").Scan(&other)
		switch {
		case noRows(err):
			return sppcrawl.Created, nil, nil
		case err != nil:
			return 0, nil, err
		}
		o, err := articleByID(ctx, q, other)
		return sppcrawl.Aliased, o, err
	}
	return sppcrawl.Refetched(old, in), old, nil
}

func (w *wtx) upsert(in *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	outcome, old, err := decide(w.ctx, w, in)
	switch {
	case err != nil:
		return sppcrawl.UpsertResult{}, err
	case outcome == sppcrawl.Created:
		return w.create(in, raw)
	case outcome == sppcrawl.Aliased:
		return w.alias(old, in, raw)
	}
	if err := w.fetchedFine(old.ID); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	switch outcome {
	case sppcrawl.Unchanged:
		return result(sppcrawl.Unchanged, old), w.repaired(old.ID, raw)
	case sppcrawl.Restored:
		old.WithdrawnAt = time.Time{}
		if err := w.reseq(old, sppcrawl.EventRestored); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
		return result(sppcrawl.Restored, old), nil
	}
	return w.update(old, in, raw)
}

func result(o sppcrawl.Outcome, a *sppcrawl.Article) sppcrawl.UpsertResult {
	return sppcrawl.UpsertResult{Outcome: o, ID: a.ID, Seq: a.Seq, Version: a.Version}
}

func (w *wtx) create(in *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	n := *in
	n.Images, n.Attachments = slices.Clone(in.Images), slices.Clone(in.Attachments)
	if err := w.knownMedia(&n, nil); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n.Aliases = []string{}
	// 1, unless earlier versions of the id are kept: the numbering goes on.
	var last int
	if err := w.QueryRow(w.ctx, "SELECT coalesce(max(version), 0) FROM versions WHERE id = $1", n.ID).Scan(&last); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n.Version = last + 1
	n.FirstSeenAt, n.UpdatedAt, n.WithdrawnAt = w.now, w.now, time.Time{}
	if n.FetchedAt.IsZero() {
		n.FetchedAt = w.now
	}
	var err error
	if n.Seq, err = w.nextSeq(); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	for _, step := range []func() error{
		func() error { return w.putArticle(&n) },
		func() error { return w.putURL(n.URL, n.ID) },
		func() error { return w.putEvent(sppcrawl.EventCreated, &n) },
		func() error { return w.putRaw(n.ID, raw) },
	} {
		if err := step(); err != nil {
			return sppcrawl.UpsertResult{}, err
		}
	}
	return result(sppcrawl.Created, &n), nil
}

// update stores in as the next version of a; a is kept whole, with the
// page it came from.
func (w *wtx) update(a, in *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	if err := w.keepVersion(a); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n := *in
	n.Images, n.Attachments = slices.Clone(in.Images), slices.Clone(in.Attachments)
	if err := w.knownMedia(&n, a); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	n.URL, n.Aliases = a.URL, a.Aliases
	if in.URL != a.URL {
		// A new version read at an alias: its page names the alias's channel.
		n.Channel, n.ChannelPath = a.Channel, a.ChannelPath
	}
	n.Version, n.FirstSeenAt, n.UpdatedAt, n.WithdrawnAt = a.Version+1, a.FirstSeenAt, w.now, time.Time{}
	if n.FetchedAt.IsZero() {
		n.FetchedAt = w.now
	}
	var err error
	if n.Seq, err = w.nextSeq(); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := w.putArticle(&n); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := w.putEvent(sppcrawl.EventUpdated, &n); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	// Without a new page (reextract) the stored one made both versions.
	return result(sppcrawl.Updated, &n), w.putRaw(n.ID, raw)
}

// versionDoc is a replaced version as kept, the bbolt store's record.
type versionDoc struct {
	Version     int             `json:"version"`
	ContentHash string          `json:"content_hash"`
	StoredAt    time.Time       `json:"stored_at"`
	ReplacedAt  time.Time       `json:"replaced_at"`
	Article     json.RawMessage `json:"article"`
}

// keepVersion keeps a, the version being replaced, as it is stored now.
func (w *wtx) keepVersion(a *sppcrawl.Article) error {
	var doc string
	var rawKey *int64
	if err := w.QueryRow(w.ctx, "SELECT doc, raw_key FROM articles WHERE id = $1", a.ID).Scan(&doc, &rawKey); err != nil {
		return fmt.Errorf("keep version %d of %s: %w", a.Version, a.ID, err)
	}
	v, err := json.Marshal(versionDoc{Version: a.Version, ContentHash: a.ContentHash, StoredAt: a.UpdatedAt, ReplacedAt: w.now, Article: json.RawMessage(doc)})
	if err != nil {
		return err
	}
	_, err = w.Exec(w.ctx, `INSERT INTO versions (id, version, raw_key, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id, version) DO UPDATE SET raw_key = EXCLUDED.raw_key, doc = EXCLUDED.doc`, a.ID, a.Version, rawKey, string(v))
	if err != nil {
		return fmt.Errorf("keep version %d of %s: %w", a.Version, a.ID, err)
	}
	return nil
}

// alias adds in's URL to a: as an alias, or as its canonical URL when in's
// is the URL of the article's own channel (sppcrawl.BetterHomeIn the default site).
func (w *wtx) alias(a, in *sppcrawl.Article, raw *sppcrawl.RawPage) (sppcrawl.UpsertResult, error) {
	if url := in.URL; url != a.URL && !slices.Contains(a.Aliases, url) {
		if in.ID == a.ID && sppcrawl.BetterHomeIn(sppcrawl.LegacySite(), a.URL, a.ChannelPath, in.URL, in.ChannelPath) {
			if err := w.rehome(a, in, raw); err != nil {
				return sppcrawl.UpsertResult{}, err
			}
		} else {
			a.Aliases = append(a.Aliases, url)
			slices.Sort(a.Aliases)
			if err := w.putArticle(a); err != nil {
				return sppcrawl.UpsertResult{}, err
			}
		}
	}
	if err := w.putURL(in.URL, a.ID); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	if err := w.setChecked(a.ID); err != nil {
		return sppcrawl.UpsertResult{}, err
	}
	return result(sppcrawl.Aliased, a), nil
}

// rehome moves a to in's URL, its earlier URL kept as an alias, with a new
// seq: pullers learn its URL changed.
func (w *wtx) rehome(a, in *sppcrawl.Article, raw *sppcrawl.RawPage) error {
	aliases := slices.DeleteFunc(slices.Clone(a.Aliases), func(s string) bool { return s == in.URL })
	a.Aliases = append(aliases, a.URL)
	slices.Sort(a.Aliases)
	a.URL, a.Channel, a.ChannelPath = in.URL, in.Channel, in.ChannelPath
	if err := w.reseq(a, sppcrawl.EventUpdated); err != nil {
		return err
	}
	return w.putRaw(a.ID, raw)
}

// reseq moves a to a new seq at the end of the log, so every puller gets
// it again, with the event that says why.
func (w *wtx) reseq(a *sppcrawl.Article, typ sppcrawl.EventType) error {
	var err error
	if a.Seq, err = w.nextSeq(); err != nil {
		return err
	}
	if err := w.putArticle(a); err != nil {
		return err
	}
	return w.putEvent(typ, a)
}

// knownMedia fills n's files from what the archive knows: from before
// (the version n replaces) by URL, else from files fetched from that URL.
func (w *wtx) knownMedia(n, before *sppcrawl.Article) error {
	old := map[string]sppcrawl.Media{}
	if before != nil {
		for _, ref := range before.MediaRefs() {
			old[ref.URL] = *ref.Media
		}
	}
	for _, ref := range n.MediaRefs() {
		if m, ok := old[ref.URL]; ok {
			*ref.Media = m
			continue
		}
		info, ok, err := mediaByURL(w.ctx, w, ref.URL)
		if err != nil {
			return err
		}
		if ok {
			*ref.Media = sppcrawl.Media{SHA256: info.SHA256, Size: info.Size, ContentType: info.ContentType}
		}
	}
	return nil
}
