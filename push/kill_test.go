package push_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// A batch in flight when its process is killed goes again as it was: the
// same webhook-id and the same events, though more came meanwhile; those go
// in the next request.
func TestPush_KilledBatchKeepsItsID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	testarchive.Seed(t, db, 0, 5)
	b := newBatchReceiver(t)
	s, err := push.New(db, push.Options{}).Add(context.Background(), push.AddOptions{URL: b.srv.URL, Batch: 10,
		AllowHTTP: true, AllowPrivate: true, Since: since0()})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	cmd := child.Command("deliver", "PUSH_DB="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first := b.next(t) // the receiver holds it unanswered
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	if db, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	testarchive.Seed(t, db, 5, 8)
	db.Close()
	close(b.answer)
	if err := child.Command("deliver", "PUSH_DB="+path).Run(); err != nil {
		t.Fatalf("delivery after the kill: %v", err)
	}
	// The child has ended: what it sent was recorded before it was answered.
	again, next := b.sent(t), b.sent(t)
	if again.id != first.id || !slices.Equal(again.seqs, first.seqs) {
		t.Errorf("sent again as %s %v, first as %s %v", again.id, again.seqs, first.id, first.seqs)
	}
	want := fmt.Sprintf("msg_%s_1-5", s.ID)
	if first.id != want || next.id != fmt.Sprintf("msg_%s_6-8", s.ID) {
		t.Errorf("webhook-ids %s then %s, want %s then msg_%s_6-8", first.id, next.id, want, s.ID)
	}
}

// batchReceiver records each request's webhook-id and seqs, and leaves
// every request unanswered until answer is closed.
type batchReceiver struct {
	srv      *httptest.Server
	requests chan batchRequest
	answer   chan struct{}
}

type batchRequest struct {
	id   string
	seqs []uint64
}

func newBatchReceiver(t *testing.T) *batchReceiver {
	b := &batchReceiver{requests: make(chan batchRequest, 16), answer: make(chan struct{})}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Events []struct {
				Data struct {
					Seq uint64 `json:"seq"`
				} `json:"data"`
			} `json:"events"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		req := batchRequest{id: r.Header.Get("webhook-id")}
		for _, e := range m.Events {
			req.seqs = append(req.seqs, e.Data.Seq)
		}
		b.requests <- req
		select {
		case <-b.answer:
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done(): // the sender was killed
		}
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// next is the next request the receiver got, of those recorded.
func (b *batchReceiver) next(t *testing.T) batchRequest {
	t.Helper()
	select {
	case r := <-b.requests:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no request in 30 s")
	}
	return batchRequest{}
}

// sent is the next request recorded, when the sender has ended.
func (b *batchReceiver) sent(t *testing.T) batchRequest {
	t.Helper()
	select {
	case r := <-b.requests:
		return r
	default:
		t.Fatal("no more requests")
	}
	return batchRequest{}
}
