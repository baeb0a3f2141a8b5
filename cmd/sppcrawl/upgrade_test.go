package main

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// An archive of schema 3 (one site, by the release before) reads after
// its upgrade as that release read it: channels and the stats' ledger are
// what it printed, with each row's site added (spp's) and nothing else.
func TestCLI_UpgradeV3SameOutput(t *testing.T) {
	db := copyArchive(t, "../../testdata/archive/v3.db")
	for _, c := range []struct {
		args []string
		want string
		rows func(any) any
	}{
		{[]string{"channels", "--format", "json"}, "../../testdata/archive/v3.channels.json", func(v any) any { return v }},
		{[]string{"stats", "--format", "json"}, "../../testdata/archive/v3.stats.json", func(v any) any { return v.(map[string]any)["ledger"] }},
	} {
		b, err := os.ReadFile(c.want)
		if err != nil {
			t.Fatal(err)
		}
		var want, got any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(runOut(t, append(c.args, "--db", db)...)), &got); err != nil {
			t.Fatalf("%s: %v", c.args[0], err)
		}
		rows := c.rows(got).([]any)
		for _, r := range rows {
			row := r.(map[string]any)
			if row["site"] != "www.spp.gov.cn" {
				t.Errorf("%s: row %v without spp's site", c.args[0], row)
			}
			delete(row, "site")
		}
		if !reflect.DeepEqual(rows, c.rows(want)) {
			t.Errorf("%s after the upgrade:\n%v\nthat release's:\n%v", c.args[0], rows, c.rows(want))
		}
	}
}
