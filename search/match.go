package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// evaluate finds the rids matching the plan's query (before filters): the
// clauses of one table are one FTS5 expression (the engine intersects
// them), the rest are combined here, over sorted rid lists. scores is nil
// unless the plan sorts by relevance.
func evaluate(ctx context.Context, tx *sql.Tx, p *plan) ([]int64, map[int64]float64, error) {
	ranges := p.ranges()
	if ranges != nil && len(ranges) == 0 {
		return nil, nil, nil
	}
	var scores map[int64]float64
	if p.sortBy == "relevance" {
		scores = map[int64]float64{}
	}
	groups := map[string][]string{}
	var mixed []Clause
	var nots []Term
	for _, c := range p.q.Clauses {
		switch t := tableOf(c.Terms); {
		case c.Not:
			nots = append(nots, c.Terms...)
		case t != "":
			groups[t] = append(groups[t], "("+ftsOr(c.Terms)+")")
		default:
			mixed = append(mixed, c)
		}
	}
	var sets [][]int64
	for _, t := range []string{"tri", "uni"} {
		if exprs := groups[t]; exprs != nil {
			rids, err := ftsQuery(ctx, tx, t, strings.Join(exprs, " AND "), ranges, scores)
			if err != nil {
				return nil, nil, err
			}
			sets = append(sets, rids)
		}
	}
	for _, c := range mixed {
		var u []int64
		for _, t := range c.Terms {
			rids, err := ftsQuery(ctx, tx, t.table(), t.fts(), ranges, scores)
			if err != nil {
				return nil, nil, err
			}
			u = union(u, rids)
		}
		sets = append(sets, u)
	}
	out := intersect(sets)
	for _, t := range nots {
		if len(out) == 0 {
			break
		}
		rids, err := ftsQuery(ctx, tx, t.table(), t.fts(), ranges, nil)
		if err != nil {
			return nil, nil, err
		}
		out = subtract(out, rids)
	}
	return out, scores, nil
}

func (t Term) table() string {
	if t.short() {
		return "uni"
	}
	return "tri"
}

// tableOf is the table all terms are looked up in, "" when they differ.
func tableOf(ts []Term) string {
	t := ts[0].table()
	for _, o := range ts[1:] {
		if o.table() != t {
			return ""
		}
	}
	return t
}

func ftsOr(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.fts()
	}
	return strings.Join(parts, " OR ")
}

// ranges are the rid ranges of the plan's channels and dates; nil: all.
func (p *plan) ranges() [][2]int64 {
	if p.chans == nil {
		return nil
	}
	out := make([][2]int64, 0, len(p.chans))
	for _, c := range p.chans {
		out = append(out, ridRange(c, p.from, p.to))
	}
	return out
}

// ftsQuery runs one MATCH of table over ranges, adding bm25 scores (higher
// is better) to scores when it is not nil. The rids come sorted.
func ftsQuery(ctx context.Context, tx *sql.Tx, table, expr string, ranges [][2]int64, scores map[int64]float64) ([]int64, error) {
	cols := "rowid"
	if scores != nil {
		cols += ", bm25(" + table + ")"
	}
	q := "SELECT " + cols + " FROM " + table + " WHERE " + table + " MATCH ?"
	if ranges == nil {
		return ftsRows(ctx, tx, q, scores, expr)
	}
	var out []int64
	for _, r := range ranges {
		rids, err := ftsRows(ctx, tx, q+" AND rowid BETWEEN ? AND ?", scores, expr, r[0], r[1])
		if err != nil {
			return nil, err
		}
		out = append(out, rids...)
	}
	return out, nil
}

func ftsRows(ctx context.Context, tx *sql.Tx, q string, scores map[int64]float64, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, engineErr(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var rid int64
		var score float64
		dest := []any{&rid}
		if scores != nil {
			dest = append(dest, &score)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, rid)
		if scores != nil {
			scores[rid] -= score
		}
	}
	if err := rows.Err(); err != nil {
		return nil, engineErr(err)
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, nil
}

// engineErr keeps a cancelled query's context error recognisable.
func engineErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	if isInterrupted(err) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return fmt.Errorf("search: %w", err)
}

// intersect is the rids in every set (each sorted); the smallest first.
func intersect(sets [][]int64) []int64 {
	if len(sets) == 0 {
		return nil
	}
	slices.SortFunc(sets, func(a, b []int64) int { return len(a) - len(b) })
	out := sets[0]
	for _, s := range sets[1:] {
		next := make([]int64, 0, len(out))
		i, j := 0, 0
		for i < len(out) && j < len(s) {
			switch {
			case out[i] < s[j]:
				i++
			case out[i] > s[j]:
				j++
			default:
				next = append(next, out[i])
				i, j = i+1, j+1
			}
		}
		out = next
	}
	return out
}

func union(a, b []int64) []int64 {
	out := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

func subtract(a, b []int64) []int64 {
	out := a[:0:0]
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			out = append(out, x)
		}
	}
	return out
}
