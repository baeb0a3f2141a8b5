package push_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"sppcrawl/internal/child"
	"sppcrawl/internal/testarchive"
	"sppcrawl/push"
	"sppcrawl/store"
)

func TestMain(m *testing.M) {
	child.Main(m, map[string]func() int{"deliver": deliverChild})
}

// deliverChild delivers what is pending in the archive $PUSH_DB.
func deliverChild() int {
	db, err := store.Open(os.Getenv("PUSH_DB"), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	if _, err := push.New(db, push.Options{Schedule: fast}).DeliverFor(context.Background(), 30*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A delivering process killed with SIGKILL, twice, loses nothing: in the
// end every event reached the receiver, in seq order, and what came twice
// came with the same webhook-id.
func TestPush_KilledWhileDelivering(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	testarchive.Seed(t, db, 0, 60)
	r := newReceiver(t)
	// A slow receiver, so that the kills land between deliveries.
	r.fail = func(int) (int, http.Header) { time.Sleep(5 * time.Millisecond); return 0, nil }
	s, err := push.New(db, push.Options{}).Add(context.Background(), push.AddOptions{URL: r.srv.URL, AllowHTTP: true, AllowPrivate: true, Since: since0()})
	if err != nil {
		t.Fatal(err)
	}
	r.setSecrets(s.Secret)
	last, _ := db.LastSeq(context.Background())
	db.Close()

	for _, after := range []int{10, 35} {
		cmd := child.Command("deliver", "PUSH_DB="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for len(r.events()) < after {
			select {
			case <-r.arrived:
			case <-time.After(30 * time.Second):
				t.Fatalf("the child delivered %d events in 30 s", len(r.events()))
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	if err := child.Command("deliver", "PUSH_DB="+path).Run(); err != nil {
		t.Fatalf("the last delivery: %v", err)
	}
	got := r.events()
	var seen []uint64
	ids := map[uint64]string{}
	for _, e := range got {
		if id, ok := ids[e.Seq]; ok {
			if id != e.MsgID {
				t.Errorf("seq %d came again with webhook-id %s, first %s", e.Seq, e.MsgID, id)
			}
			continue
		}
		ids[e.Seq] = e.MsgID
		seen = append(seen, e.Seq)
	}
	if !slices.IsSorted(seen) || len(seen) != int(last) {
		t.Errorf("%d distinct events of %d, in order: %v", len(seen), last, slices.IsSorted(seen))
	}
	t.Logf("%d requests for %d events (%d again after a kill)", len(got), len(seen), len(got)-len(seen))
}
