package crawler

import (
	"runtime/debug"
	"testing"
)

// LimitMemory sets the crawl's soft limit and puts back the one before;
// GOMEMLIMIT, when set, is left to rule.
func TestLimitMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const before = 1 << 40
	for _, c := range []struct {
		env    string
		during int64
	}{{"", 40 << 20}, {"1GiB", before}} {
		t.Setenv("GOMEMLIMIT", c.env)
		debug.SetMemoryLimit(before)
		restore := LimitMemory(2)
		if got := debug.SetMemoryLimit(-1); got != c.during {
			t.Errorf("GOMEMLIMIT=%q: limit %d during the crawl, want %d", c.env, got, c.during)
		}
		restore()
		if got := debug.SetMemoryLimit(-1); got != before {
			t.Errorf("GOMEMLIMIT=%q: limit %d after restore, want %d as before", c.env, got, int64(before))
		}
	}
}
