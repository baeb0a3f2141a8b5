package diff_test

import (
	"encoding/json"
	"testing"

	"sppcrawl/diff"
)

// A paragraph's op is typed, and speaks the words the outputs print.
func TestParagraph_Op(t *testing.T) {
	for _, c := range []struct {
		p    diff.Paragraph
		want diff.Op
		word string
	}{
		{diff.Paragraph{Old: "甲", New: "甲"}, diff.Equal, "same"},
		{diff.Paragraph{New: "戊"}, diff.Insert, "added"},
		{diff.Paragraph{Old: "丙"}, diff.Delete, "removed"},
		{diff.Paragraph{Old: "乙", New: "乙（改）"}, diff.Change, "changed"},
	} {
		op := c.p.Op()
		j, err := json.Marshal(op)
		if op != c.want || op.String() != c.word || err != nil || string(j) != `"`+c.word+`"` {
			t.Errorf("%+v: op %d %q json %s %v; want %d %q", c.p, op, op, j, err, c.want, c.word)
		}
	}
	if _, err := json.Marshal(diff.Op(9)); err == nil {
		t.Error("an op out of range marshals; want an error")
	}
	if got := diff.Op(9).String(); got != "Op(9)" {
		t.Errorf("Op(9).String() = %q", got)
	}
}
