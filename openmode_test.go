package sppcrawl

import "testing"

// Which modes never write and which take an absent archive for none.
func TestOpenMode(t *testing.T) {
	for _, c := range []struct {
		m                   OpenMode
		readOnly, mayAbsent bool
	}{
		{OpenNone, false, false}, {OpenReads, true, false}, {OpenWrites, false, false}, {OpenCreates, false, false},
		{OpenReadsIfExists, true, true}, {OpenSalvages, false, false}, {OpenSalvagesRead, true, false},
		{OpenWritesIfExists, false, true}, {OpenReadsBeside, true, false},
	} {
		if c.m.ReadOnly() != c.readOnly || c.m.MayBeAbsent() != c.mayAbsent {
			t.Errorf("mode %d: read-only %v, may be absent %v; want %v, %v", c.m, c.m.ReadOnly(), c.m.MayBeAbsent(), c.readOnly, c.mayAbsent)
		}
	}
}
