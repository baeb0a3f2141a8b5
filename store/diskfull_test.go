package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sppcrawl"

	"sppcrawl/internal/child"
	"sppcrawl/store"
)

// diskFullChild writes until the file size limit set on itself (a full
// disk, as far as the archive can tell) makes a commit fail.
func diskFullChild() int {
	path := os.Getenv("SPPCRAWL_FULL_DB")
	signal.Ignore(syscall.SIGXFSZ) // get EFBIG instead of being killed
	db, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Println("open error:", err)
		return 2
	}
	fi, _ := os.Stat(path)
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim)
	lim.Cur = uint64(fi.Size()) + 256<<10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Println("setrlimit error:", err)
		return 2
	}
	for i := range 10_000 {
		a, raw := benchArticle(100_000 + i)
		if _, err := db.Upsert(context.Background(), a, raw); err != nil {
			fmt.Println("upsert error:", err)
			return 0
		}
		fmt.Println("committed", a.ID)
	}
	fmt.Println("no error: the limit did not bite")
	return 0
}

func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "full.db")
	db := MustOpen(t, path, store.Options{})
	ctx := context.Background()
	for i := range 20 {
		a, raw := benchArticle(i)
		if _, err := db.Upsert(ctx, a, raw); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	cmd := child.Command("diskfull", "SPPCRAWL_FULL_DB="+path)
	cmd.Stderr = nil
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	committed := map[string]bool{}
	var upsertErr string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "committed "); ok {
			committed[id] = true
		} else if msg, ok := strings.CutPrefix(line, "upsert error: "); ok {
			upsertErr = msg
		}
	}
	if upsertErr == "" {
		t.Fatalf("the child never hit the limit:\n%s", out)
	}
	if !strings.Contains(upsertErr, path) {
		t.Errorf("error %q does not name the archive", upsertErr)
	}
	t.Logf("child stored %d more, then: %s", len(committed), upsertErr)

	db = MustOpen(t, path, store.Options{ReadOnly: true})
	n, _ := db.Count(ctx)
	if n != 20+len(committed) {
		t.Errorf("archive holds %d, want %d", n, 20+len(committed))
	}
	for i := range 20 {
		if _, err := db.Get(ctx, fmt.Sprint("spp-", i)); err != nil {
			t.Errorf("article stored before the disk filled: %v", err)
		}
	}
	for id := range committed {
		if _, err := db.Get(ctx, id); err != nil {
			t.Errorf("acknowledged %s lost: %v", id, err)
		}
	}
	if err := db.ForEach(ctx, 0, func(*sppcrawl.Article) error { return nil }); err != nil {
		t.Errorf("archive unreadable after the failed commit: %v", err)
	}
}
