//go:build unix

package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"sppcrawl/internal/child"
	"sppcrawl/internal/testarchive"
	"sppcrawl/store"
)

// indexFullChild catches the index up under a file size limit set on
// itself (a full disk, as far as SQLite can tell) and prints what the
// catch-up said.
func indexFullChild() int {
	signal.Ignore(syscall.SIGXFSZ) // a write past the limit fails instead of killing
	db, err := store.Open(os.Getenv("SPPCRAWL_ARCHIVE"), store.Options{ReadOnly: true})
	if err != nil {
		fmt.Println("archive error:", err)
		return 2
	}
	defer db.Close()
	path := os.Getenv("SPPCRAWL_INDEX")
	ix, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open error:", err)
		return 2
	}
	defer ix.Close()
	lim := syscall.Rlimit{Cur: uint64(ix.Size()) + 100_003, Max: ^uint64(0)}
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old)
	lim.Max = old.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Println("setrlimit error:", err)
		return 2
	}
	_, err = ix.CatchUp(context.Background(), db, nil)
	fmt.Printf("catch-up error: %v\nenvironmental: %v\ndamaged: %v\n", err, Environmental(err), errors.Is(err, ErrDamaged))
	return 0
}

// A catch-up whose writes the system refuses (EFBIG past the file size
// limit: SQLite reports it as an I/O error of a write, not as a full disk,
// which it says for ENOSPC alone) says so, naming the file; the file is not
// taken for damaged, and the next catch-up, with room, completes it.
func TestCatchUp_FileSizeLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	db, apath := testarchive.Open(t, store.Options{})
	testarchive.Seed(t, db, 0, 400)
	db.Close()
	path := PathFor(apath)
	ix := openT(t, path, nil)
	ix.Close()

	cmd := child.Command("indexfull", "SPPCRAWL_ARCHIVE="+apath, "SPPCRAWL_INDEX="+path)
	cmd.Stderr = nil
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, want := range []string{"catch-up error: search index " + path + ": the disk refused a write (full, past a file size limit or quota, or failing) (disk I/O error (778))", "environmental: true", "damaged: false"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("want %q in the child's output:\n%s", want, out)
		}
	}

	db, err = store.Open(apath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := make(logEvents, 1024)
	again := openT(t, path, slog.New(log))
	defer again.Close()
	if err := again.Check(context.Background()); err != nil {
		t.Errorf("after the failed catch-up: %v", err)
	}
	if _, err := again.CatchUp(context.Background(), db, nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := again.Status(context.Background(), db); st.Behind != 0 || st.Versions != 400 {
		t.Errorf("status after the catch-up with room: %+v", st)
	}
	for len(log) > 0 {
		if m := <-log; strings.Contains(m, "making it again") {
			t.Errorf("logged %q after a full disk", m)
		}
	}
}
