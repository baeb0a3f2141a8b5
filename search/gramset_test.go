package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGramSet: the set holds each key once, in the order first added,
// across resets and growth (a set that grows from a small table).
func TestGramSet(t *testing.T) {
	s := newGramSet(2)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		s.reset()
		var want []uint64
		seen := map[uint64]bool{}
		for range r.IntN(5000) {
			k := gramKey(rune(r.IntN(40))-1, rune(r.IntN(60)))
			s.add(k)
			if !seen[k] {
				seen[k] = true
				want = append(want, k)
			}
		}
		if !slices.Equal(s.list, want) {
			t.Fatalf("round %d: %d keys, want %d", round, len(s.list), len(want))
		}
	}
}

// TestGramSet_GenerationWraps: when the generation counter wraps back to
// a value slots were stamped with long ago, those slots read as empty.
func TestGramSet_GenerationWraps(t *testing.T) {
	s := newGramSet(4)
	s.add(5) // stamped with generation 1
	s.gen = ^uint32(0)
	s.reset() // wraps to 1
	s.add(5)
	if !slices.Equal(s.list, []uint64{5}) {
		t.Fatalf("after the wrap: %v", s.list)
	}
}
