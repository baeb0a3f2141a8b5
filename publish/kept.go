package publish

import "sync"

// Kept is a value computed once per key (the archive's generation, say)
// and kept until the key changes: what serve's pages and /healthz read
// that costs a scan of the archive.
type Kept[T any] struct {
	mu  sync.Mutex
	key string
	v   T
	ok  bool
}

// Get is the value kept for key, computed by compute when the key changed
// (an error is returned, and nothing kept).
func (k *Kept[T]) Get(key string, compute func() (T, error)) (T, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ok && k.key == key {
		return k.v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	k.key, k.v, k.ok = key, v, true
	return v, nil
}
