package search

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Listed is a current version the index holds, as a list of a kind shows
// it: its id, publication time and channel, and a document's 施行日期.
type Listed struct {
	ID          string
	Version     int
	PublishedAt time.Time
	ChannelPath string
	Effective   string // 2025-03-15, "" for none
}

// ListKind lists the current versions of a kind (case or document) of
// articles the site still publishes, newest published first: what the
// index knows without a query, so that a page of every document costs a
// read of the index's table of versions, not of the archive.
func (ix *Index) ListKind(ctx context.Context, kind string) ([]Listed, error) {
	l, err := ix.listKind(ctx, kind)
	return l, ix.checked(err)
}

func (ix *Index) listKind(ctx context.Context, kind string) ([]Listed, error) {
	var bit int64
	switch kind {
	case "case":
		bit = flagCase
	case "document":
		bit = flagDocument
	default:
		return nil, badQuery("kind %q: want case or document", "类型 %q 无效：应为 case（案例）或 document（规范性文件）", kind)
	}
	tx, snap, err := ix.readSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	mask := bit | flagCurrent | flagWithdrawn | flagGone
	rows, err := tx.QueryContext(ctx, `SELECT rid, id, version, effective, published FROM docs WHERE flags & ? = ?`, mask, bit|flagCurrent)
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", ix.path, err)
	}
	defer rows.Close()
	var out []Listed
	for rows.Next() {
		var rid, eff, secs int64
		var l Listed
		if err := rows.Scan(&rid, &l.ID, &l.Version, &eff, &secs); err != nil {
			return nil, err
		}
		l.PublishedAt, l.ChannelPath = secsTime(uint32(secs)), snap.channels[ridChannel(rid)]
		if eff > 0 {
			l.Effective = fmt.Sprintf("%04d-%02d-%02d", eff/10000, eff/100%100, eff%100)
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b Listed) int { return b.PublishedAt.Compare(a.PublishedAt) })
	return out, rows.Err()
}
