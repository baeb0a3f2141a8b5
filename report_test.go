package sppcrawl_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"sppcrawl"
)

// TestReports_JSON: the reports' JSON is verify's, reextract's and
// backup's --format json output, the same of either backend: its field
// names never change.
func TestReports_JSON(t *testing.T) {
	v := sppcrawl.VerifyReport{Articles: 2, Versions: 1, RawPages: 3,
		Problems: []sppcrawl.Problem{{Kind: "cut", Key: "https://x/1", Detail: "ends early"}}, Cut: []string{"https://x/1"}}
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"verify", v, `{"articles":2,"versions":1,"raw_pages":3,"problems":[{"kind":"cut","key":"https://x/1","detail":"ends early"}],"cut":["https://x/1"]}`},
		{"reextract", sppcrawl.ReextractResult{RawPages: 5, Changed: 1, Unchanged: 2, Aliased: 1, Failed: 1, Took: time.Second},
			`{"raw_pages":5,"changed":1,"unchanged":2,"aliased":1,"failed":1,"took_ns":1000000000}`},
		{"backup", sppcrawl.BackupReport{Path: "b.db", Bytes: 9, Verify: sppcrawl.VerifyReport{Problems: []sppcrawl.Problem{}, Cut: []string{}}},
			`{"path":"b.db","bytes":9,"verify":{"articles":0,"versions":0,"raw_pages":0,"problems":[],"cut":[]}}`},
	} {
		b, err := json.Marshal(c.v)
		if got := string(b); err != nil || got != c.want {
			t.Errorf("%s report: %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	if err := v.Err(); err == nil || errors.Is(err, sppcrawl.ErrDamaged) {
		t.Errorf("a cut page: Err() = %v; want a count of problems, not damage", err)
	}
	v.Problems = append(v.Problems, sppcrawl.Problem{Kind: "damaged", Key: "file"})
	if err := v.Err(); !errors.Is(err, sppcrawl.ErrDamaged) {
		t.Errorf("a damaged page: Err() = %v; want ErrDamaged", err)
	}
}
