package search

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// SQLite's errors are told by their codes: an error that only says the
// words is none of them.
func TestSQLiteErrorCodes(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(filepath.Join(t.TempDir(), "a.search"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	_, err = ix.sql().ExecContext(ctx, `SELECT x FROM nothere`)
	if !ix.isNoTable(ctx, err, "nothere") {
		t.Errorf("isNoTable(%v) = false, want true", err)
	}
	_, err = ix.sql().ExecContext(ctx, `SELECT nocolumn FROM meta`)
	if ix.isNoTable(ctx, err, "meta") {
		t.Errorf("isNoTable(%v) = true for a table that is there", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.search")
	if err := os.WriteFile(bad, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+bad+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `SELECT count(*) FROM sqlite_master`)
	if !isDamage(err) {
		t.Errorf("isDamage(%v) = false for a file of zeros", err)
	}
	if words := errors.New("file is not a database (26)"); isDamage(words) {
		t.Errorf("isDamage(%v) = true for words alone", words)
	}
	if words := errors.New("interrupted (9)"); isInterrupted(words) {
		t.Errorf("isInterrupted(%v) = true for words alone", words)
	}
}

// A query stopped by its deadline comes back as the deadline, whether the
// driver says so or SQLite's interrupt does.
func TestEngineErr_Interrupted(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "a.search"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rows, err := ix.sql().QueryContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err = rows.Err(); err == nil {
		t.Fatal("an endless query ended")
	}
	if got := engineErr(err); !errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("engineErr(%v) = %v, want DeadlineExceeded", err, got)
	}
}
