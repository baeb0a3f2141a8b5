package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"sppcrawl"
)

// wtx is a transaction that changes articles: it holds the log's lock
// (see doc.go) from its first statement, and knows whether it gave a seq.
type wtx struct {
	pgx.Tx
	ctx  context.Context
	now  time.Time
	grew bool
}

// notifyChannel is the channel of LISTEN/NOTIFY a commit that gave a seq
// is announced on, with the seq as payload.
const notifyChannel = "sppcrawl_log"

// write runs fn in a transaction that first takes the log's lock, and
// wakes this process's followers when it committed a new seq.
func (db *DB) write(ctx context.Context, fn func(*wtx) error) error {
	var grew bool
	err := db.tx(ctx, func(tx pgx.Tx) error {
		w := &wtx{Tx: tx, ctx: ctx, now: db.now()}
		if _, err := tx.Exec(ctx, "SELECT value FROM counters WHERE name = 'seq' FOR UPDATE"); err != nil {
			return fmt.Errorf("lock the log: %w", err)
		}
		if err := fn(w); err != nil {
			return err
		}
		grew = w.grew
		return nil
	})
	if err == nil && grew {
		db.notify.Signal()
	}
	return err
}

// nextSeq hands out the next seq. The row it increments is locked until
// commit, so seqs become visible in the order they were handed out.
func (w *wtx) nextSeq() (uint64, error) {
	var seq int64
	if err := w.QueryRow(w.ctx, "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value").Scan(&seq); err != nil {
		return 0, fmt.Errorf("next seq: %w", err)
	}
	// Delivered to listeners when (and only if) the transaction commits.
	if _, err := w.Exec(w.ctx, "SELECT pg_notify($1, $2)", notifyChannel, fmt.Sprint(seq)); err != nil {
		return 0, fmt.Errorf("notify: %w", err)
	}
	w.grew = true
	return uint64(seq), nil
}

// articleDoc is an article's JSON as exported: body_html's tags kept
// literal, as the bbolt store keeps it, so both export the same bytes.
func articleDoc(a *sppcrawl.Article) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// putArticle writes the article's row (its seq, URL, channel and the
// columns looked up beside its JSON), its case numbers, and bumps the
// generation. A new row is stamped checked now.
func (w *wtx) putArticle(a *sppcrawl.Article) error {
	doc, err := articleDoc(a)
	if err != nil {
		return fmt.Errorf("article %s: %w", a.ID, err)
	}
	missing, due := mediaTally(a)
	def, crc, n := chunkOf(doc)
	_, err = w.Exec(w.ctx, `INSERT INTO articles (id, seq, url, channel_path, published, content_hash, has_cases, withdrawn, missing, due, checked, doc,
			chunk, chunk_crc, chunk_len)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, url = EXCLUDED.url, channel_path = EXCLUDED.channel_path,
			published = EXCLUDED.published, content_hash = EXCLUDED.content_hash, has_cases = EXCLUDED.has_cases,
			withdrawn = EXCLUDED.withdrawn, missing = EXCLUDED.missing, due = EXCLUDED.due, doc = EXCLUDED.doc,
			chunk = EXCLUDED.chunk, chunk_crc = EXCLUDED.chunk_crc, chunk_len = EXCLUDED.chunk_len`,
		a.ID, int64(a.Seq), a.URL, a.ChannelPath, a.PublishedAt.Unix(), a.ContentHash, len(a.Cases) > 0,
		!a.WithdrawnAt.IsZero(), missing, due, w.now.UnixNano(), doc, def, crc, n)
	if err != nil {
		return fmt.Errorf("article %s: %w", a.ID, err)
	}
	for _, c := range a.Cases {
		if c.Number == "" {
			continue
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO case_numbers (number, id) VALUES ($1, $2)
			ON CONFLICT (number) DO UPDATE SET id = EXCLUDED.id`, c.Number, a.ID); err != nil {
			return fmt.Errorf("case %s of %s: %w", c.Number, a.ID, err)
		}
	}
	return w.bumpGeneration()
}

func (w *wtx) bumpGeneration() error {
	_, err := w.Exec(w.ctx, "UPDATE counters SET value = value + 1 WHERE name = 'generation'")
	return err
}

// putEvent records what moved a to its seq.
func (w *wtx) putEvent(typ sppcrawl.EventType, a *sppcrawl.Article) error {
	v, err := json.Marshal(sppcrawl.Event{Seq: a.Seq, Type: typ, ID: a.ID, Version: a.Version, At: w.now})
	if err != nil {
		return err
	}
	_, err = w.Exec(w.ctx, "INSERT INTO events (seq, doc) VALUES ($1, $2)", int64(a.Seq), string(v))
	return err
}

// putRaw stores the page an article's current version came from.
func (w *wtx) putRaw(id string, p *sppcrawl.RawPage) error {
	if p == nil {
		return nil
	}
	hdr, err := json.Marshal(p)
	if err != nil {
		return err
	}
	body := p.Body
	if body == nil {
		body = []byte{}
	}
	var key int64
	err = w.QueryRow(w.ctx, "INSERT INTO raw_pages (id, header, body) VALUES ($1, $2, $3) RETURNING key", id, string(hdr), body).Scan(&key)
	if err == nil {
		_, err = w.Exec(w.ctx, "UPDATE articles SET raw_key = $2 WHERE id = $1", id, key)
	}
	if err == nil { // a new page is the repair a cut one waited for
		_, err = w.Exec(w.ctx, "DELETE FROM repairs WHERE id = $1", id)
	}
	if err != nil {
		return fmt.Errorf("raw page of %s: %w", id, err)
	}
	return nil
}

// setChecked records that the site confirmed the article now.
func (w *wtx) setChecked(id string) error {
	_, err := w.Exec(w.ctx, "UPDATE articles SET checked = $2 WHERE id = $1", id, w.now.UnixNano())
	return err
}

// fetchedFine: a successful fetch checks the article and forgets its
// sighting as gone.
func (w *wtx) fetchedFine(id string) error {
	if err := w.setChecked(id); err != nil {
		return err
	}
	_, err := w.Exec(w.ctx, "DELETE FROM gone WHERE id = $1", id)
	return err
}

// putURL makes url resolve to id; the URL is no longer a gap, nor a page
// kept unparsed.
func (w *wtx) putURL(url, id string) error {
	if _, err := w.Exec(w.ctx, `INSERT INTO urls (url, id) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET id = EXCLUDED.id`, url, id); err != nil {
		return err
	}
	if _, err := w.Exec(w.ctx, "DELETE FROM seen WHERE url = $1", url); err != nil {
		return err
	}
	return w.dropUnparsed(url)
}
