package search

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDamaged: SQLite found the index file damaged (a page it cannot read,
// or no database at all). The index is derived, so making it again from the
// archive repairs it: the commands that write the archive do so
// themselves, and `sppcrawl index --rebuild` does.
var ErrDamaged = fmt.Errorf("%w: the file is damaged", ErrIndex)

// isDamage says whether err is SQLite's SQLITE_CORRUPT or SQLITE_NOTADB
// (with any extended code).
func isDamage(err error) bool {
	return isCode(err, sqlite3.SQLITE_CORRUPT) || isCode(err, sqlite3.SQLITE_NOTADB)
}

// isCode says whether err is SQLite's error of the primary result code
// code (with any extended code): errors are told by code, never by their
// words, which SQLite's versions reword.
func isCode(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == code
}

// isInterrupted says whether err is a statement SQLite stopped
// (sqlite3_interrupt: the driver's answer to a context's end).
func isInterrupted(err error) bool { return isCode(err, sqlite3.SQLITE_INTERRUPT) }

// isNoTable says whether err, met reading table, is that the file has no
// such table (a new file). SQLite gives it only the generic SQLITE_ERROR,
// so the file's schema says which.
func (ix *Index) isNoTable(ctx context.Context, err error, table string) bool {
	if !isCode(err, sqlite3.SQLITE_ERROR) {
		return false
	}
	var n int
	err = ix.sql().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, table).Scan(&n)
	return err == nil && n == 0
}

// checked is err, marked ErrDamaged when it is the file's damage, or
// named as the failure of the file's surroundings it is (environ): that is
// never taken for damage.
func (ix *Index) checked(err error) error {
	if env := environ(ix.path, err); env != nil {
		return env
	}
	if err == nil || !isDamage(err) || errors.Is(err, ErrDamaged) {
		return err
	}
	return ix.damaged(err)
}

// damaged records the file's damage, of which cause tells, until the file
// is made again: Status says it, the next CatchUp makes the file again,
// and Follow, if this process follows, is woken to do so. The error is
// ErrDamaged, with the remedy in words.
func (ix *Index) damaged(cause error) error {
	err := fmt.Errorf("%v: %w (it is derived: sppcrawl index --rebuild makes it again from the archive)", cause, ErrDamaged)
	ix.damage.Store(&errBox{err})
	select {
	case ix.repairs <- struct{}{}:
	default:
	}
	return err
}

// Check reads every page of the index file (SQLite's quick_check, which
// costs a read of the whole file): damage is ErrDamaged, in words.
func (ix *Index) Check(ctx context.Context) error {
	problems, err := ix.quickCheck(ctx)
	switch {
	case err != nil:
		return ix.checked(fmt.Errorf("search index %s: %w", ix.path, err))
	case len(problems) > 0:
		return ix.damaged(fmt.Errorf("search index %s: %s", ix.path, strings.Join(problems, "; ")))
	}
	return nil
}

// quickCheck is what SQLite's quick_check finds wrong (at most 5 lines).
func (ix *Index) quickCheck(ctx context.Context) ([]string, error) {
	rows, err := ix.sql().QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	return problems, rows.Err()
}
