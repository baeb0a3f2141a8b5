package search

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// ErrDamaged: SQLite found the index file damaged (a page it cannot read,
// or no database at all). The index is derived, so making it again from the
// archive repairs it: the commands that write the archive do so
// themselves, and `sppcrawl index --rebuild` does.
var ErrDamaged = fmt.Errorf("%w: the file is damaged", ErrIndex)

// isDamage says whether err is SQLite's SQLITE_CORRUPT or SQLITE_NOTADB
// (with any extended code).
func isDamage(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case 11, 26:
		return true
	}
	return false
}

// checked is err, marked ErrDamaged when it is the file's damage, which
// the index then reports in Status for the rest of its life.
func (ix *Index) checked(err error) error {
	if err == nil || !isDamage(err) || errors.Is(err, ErrDamaged) {
		return err
	}
	err = fmt.Errorf("%v: %w (it is derived: sppcrawl index --rebuild makes it again from the archive)", err, ErrDamaged)
	ix.flagDamage(err)
	return err
}

// flagDamage records the file's damage (Status says it) and wakes Follow,
// if this process follows, to make the file again.
func (ix *Index) flagDamage(err error) {
	ix.damage.Store(&errBox{err})
	select {
	case ix.repairs <- struct{}{}:
	default:
	}
}

// Check reads every page of the index file (SQLite's quick_check, which
// costs a read of the whole file): damage is ErrDamaged, in words.
func (ix *Index) Check(ctx context.Context) error {
	rows, err := ix.sql().QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		return ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
	}
	if len(problems) > 0 {
		err := fmt.Errorf("search index %s: %s: %w (it is derived: sppcrawl index --rebuild makes it again from the archive)", ix.path, strings.Join(problems, "; "), ErrDamaged)
		ix.flagDamage(err)
		return err
	}
	return nil
}
