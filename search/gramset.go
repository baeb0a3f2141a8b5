package search

import "sync"

// gramSet is a set of packed grams (gramKey) in insertion order: an
// open-addressed table whose slots are cleared by bumping a generation, so
// that one article's set costs no allocation and no clearing. A Go map
// did the same at three times the CPU, the largest cost of indexing
// outside the engine.
type gramSet struct {
	keys  []uint64
	gens  []uint32
	gen   uint32
	shift uint // 64 - log2(len(keys)): a key's slot is the top bits of its hash
	list  []uint64
}

var gramSets = sync.Pool{New: func() any { return newGramSet(12) }}

func newGramSet(bits uint) *gramSet {
	return &gramSet{keys: make([]uint64, 1<<bits), gens: make([]uint32, 1<<bits), gen: 1, shift: 64 - bits}
}

// reset empties the set.
func (s *gramSet) reset() {
	s.list = s.list[:0]
	if s.gen++; s.gen == 0 { // wrapped: old stamps could read as current
		clear(s.gens)
		s.gen = 1
	}
}

// add puts k in the set.
func (s *gramSet) add(k uint64) {
	if 2*(len(s.list)+1) > len(s.keys) {
		s.grow()
	}
	mask := uint64(len(s.keys) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> s.shift; ; i = (i + 1) & mask {
		switch {
		case s.gens[i] != s.gen:
			s.keys[i], s.gens[i] = k, s.gen
			s.list = append(s.list, k)
			return
		case s.keys[i] == k:
			return
		}
	}
}

// grow doubles the table, keeping what it holds.
func (s *gramSet) grow() {
	list := s.list
	*s = *newGramSet(64 - s.shift + 1)
	s.list = make([]uint64, 0, 2*cap(list))
	for _, k := range list {
		s.add(k)
	}
}
