package publish

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// Requests that miss the cache together render the answer once, and all
// get it.
func TestAnswerCache_ConcurrentMissesRenderOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c answerCache
		var renders atomic.Int32
		release := make(chan struct{})
		render := func(context.Context) (*answer, error) {
			renders.Add(1)
			<-release
			return &answer{contentType: "text/plain", plain: []byte("rendered")}, nil
		}
		const clients = 8
		got := make([]*answer, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				a, err := c.get(t.Context(), "g1-atom", render)
				if err != nil {
					t.Error(err)
				}
				got[i] = a
			})
		}
		synctest.Wait() // every client is in the render or waiting for it
		close(release)
		wg.Wait()
		if n := renders.Load(); n != 1 {
			t.Errorf("%d concurrent misses rendered %d times, want 1", clients, n)
		}
		for i, a := range got {
			if a != got[0] || a == nil || len(a.gz) == 0 {
				t.Errorf("client %d got %p (gz %d bytes), client 0 %p", i, a, len(a.gz), got[0])
			}
		}
		if _, err := c.get(t.Context(), "g1-atom", render); err != nil || renders.Load() != 1 {
			t.Errorf("a later request rendered again (%d renders, %v)", renders.Load(), err)
		}
	})
}

// A client that goes away while the answer renders fails no one else:
// the shared render runs without its cancellation.
func TestAnswerCache_RenderOutlivesFirstClient(t *testing.T) {
	var c answerCache
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a, err := c.get(ctx, "g2", func(ctx context.Context) (*answer, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return &answer{plain: []byte("x")}, nil
	})
	if err != nil || a == nil {
		t.Fatalf("render under a gone client's context: %v", err)
	}
}
