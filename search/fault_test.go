package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// sqliteErr is the error SQLite gives running stmts on a new database at
// dsn (a file of dir): a real one, of the code the test is after.
func sqliteErr(t *testing.T, dsn string, stmts ...string) error {
	t.Helper()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return err
		}
	}
	t.Fatalf("%s: no error", dsn)
	return nil
}

// The surroundings' failures are told apart from damage by code and errno,
// wrapped at any depth; words alone are none of them.
func TestEnviron(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.db")
	sqliteErr(t, "file:"+ro, `CREATE TABLE t(x)`, `SELECT * FROM nothere`)
	full := sqliteErr(t, "file:"+filepath.Join(dir, "full.db"), `PRAGMA max_page_count=2`,
		`CREATE TABLE t(x)`, `CREATE TABLE u(x)`, `CREATE TABLE v(x)`, `INSERT INTO t VALUES(randomblob(100000))`)
	cantOpen := sqliteErr(t, "file:"+filepath.Join(dir, "none", "x.db"), `CREATE TABLE t(x)`)
	readOnly := sqliteErr(t, "file:"+ro+"?mode=ro", `INSERT INTO t VALUES(1)`)
	notADB := filepath.Join(dir, "notadb")
	os.WriteFile(notADB, make([]byte, 8192), 0o600)
	damage := sqliteErr(t, "file:"+notADB+"?mode=ro", `SELECT * FROM sqlite_master`)
	wrap := func(err error) error {
		return fmt.Errorf("catch up: %w", &fs.PathError{Op: "write", Path: "x", Err: err})
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"SQLITE_FULL", fmt.Errorf("write: %w", full), ErrNoSpace},
		{"ENOSPC", wrap(syscall.ENOSPC), ErrNoSpace},
		{"EDQUOT", wrap(syscall.EDQUOT), ErrNoSpace},
		{"EFBIG", wrap(syscall.EFBIG), ErrNoSpace},
		{"SQLITE_CANTOPEN", fmt.Errorf("open: %w", cantOpen), ErrNoAccess},
		{"SQLITE_READONLY", readOnly, ErrNoAccess},
		{"EACCES", wrap(syscall.EACCES), ErrNoAccess},
		{"EPERM", wrap(syscall.EPERM), ErrNoAccess},
		{"EROFS", wrap(syscall.EROFS), ErrNoAccess},
		{"ENOTDIR", wrap(syscall.ENOTDIR), ErrNoAccess},
		{"SQLITE_NOTADB is damage", damage, nil},
		{"words only", errors.New("database or disk is full (13)"), nil},
		{"EIO", wrap(syscall.EIO), nil},
		{"nil", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := environ("/x/a.search", tc.err)
			switch {
			case tc.want == nil && got != nil:
				t.Fatalf("environ(%v) = %v, want nil", tc.err, got)
			case tc.want == nil:
				return
			case !errors.Is(got, tc.want):
				t.Fatalf("environ(%v) = %v, want %v", tc.err, got, tc.want)
			case !strings.Contains(got.Error(), "/x/a.search"):
				t.Errorf("%v does not name the file", got)
			}
		})
	}
}

// accessCause says which: the folder missing, a file for a folder, no
// permission, a read-only file system.
func TestAccessCause(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "none", "a.search"), "the folder " + filepath.Join(dir, "none") + " does not exist"},
		{filepath.Join(file, "a.search"), "is a file, not a folder"},
		{filepath.Join(file, "sub", "a.search"), "is a file, not a folder"},
	} {
		if got := accessCause(tc.path, syscall.EACCES); !strings.Contains(got, tc.want) {
			t.Errorf("accessCause(%s) = %q, want %q in it", tc.path, got, tc.want)
		}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, "the file system is read-only"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, "no permission"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EPERM}, "no permission"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EISDIR}, "it is a folder, not a file"},
	} {
		if got := errnoWords(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("errnoWords(%v) = %q, want %q in it", tc.err, got, tc.want)
		}
	}
}

// An index whose folder is a file is not taken for a damaged index: no
// "making it again", nothing removed, the file and the cause named.
func TestOpen_FolderIsAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "archive.db")
	if err := os.WriteFile(file, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(file, "a.search")
	for _, ro := range []bool{false, true} {
		log := make(logEvents, 1024)
		_, err := Open(path, Options{ReadOnly: ro, Logger: slog.New(log)})
		if !errors.Is(err, ErrNoAccess) || errors.Is(err, ErrIndex) {
			t.Fatalf("Open(read-only %v) = %v, want ErrNoAccess", ro, err)
		}
		for _, want := range []string{path, "is a file, not a folder"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: want %q in it", err, want)
			}
		}
		if len(log) > 0 {
			t.Errorf("logged %q: an environment failure is no damage", <-log)
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "kept" {
		t.Errorf("the file in the folder's place holds %q", b)
	}
}

// A full disk met by a catch-up is said as such, never taken for damage:
// the file is kept, Status reports no damage, and it opens again.
func TestCatchUp_DiskFull(t *testing.T) {
	ctx := context.Background()
	db, apath := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 300)
	path := PathFor(apath)
	log := make(logEvents, 1024)
	ix, err := Open(path, Options{Logger: slog.New(log)})
	if err != nil {
		t.Fatal(err)
	}
	ix.sql().SetMaxOpenConns(1) // the page limit is the connection's
	if _, err := ix.sql().Exec(`PRAGMA max_page_count=40`); err != nil {
		t.Fatal(err)
	}
	_, err = ix.CatchUp(ctx, db, nil)
	if !errors.Is(err, ErrNoSpace) || errors.Is(err, ErrDamaged) {
		t.Fatalf("CatchUp = %v, want ErrNoSpace", err)
	}
	if want := "search index " + path + ": no space left on the disk holding it"; !strings.Contains(err.Error(), want) {
		t.Errorf("%v: want %q in it", err, want)
	}
	st, _ := ix.Status(ctx, db)
	if st.Damaged != "" {
		t.Errorf("Status.Damaged = %q after a full disk", st.Damaged)
	}
	ix.Close()
	again, err := Open(path, Options{Logger: slog.New(log)})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for len(log) > 0 {
		if m := <-log; strings.Contains(m, "making it again") {
			t.Errorf("logged %q after a full disk", m)
		}
	}
}
