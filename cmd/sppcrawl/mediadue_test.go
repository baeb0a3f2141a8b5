package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// Files of stored articles not archived yet (here: a crawl with --media
// none) are counted by stats, text and JSON, and named by verify (exit 1);
// a crawl fetches them, and then none are due.
func TestCLI_MediaDueCounted(t *testing.T) {
	path := crawlFixture(t, "--channels", "builtin")
	var code int
	out := stdoutOf(&code, []string{"stats", "--db", path, "--format", "json"})
	var s struct {
		Media struct {
			Due      int `json:"due"`
			DueFiles int `json:"due_files"`
		} `json:"media"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != exitOK || s.Media.DueFiles == 0 || s.Media.Due < s.Media.DueFiles {
		t.Fatalf("stats --format json: exit %d, %v, media %+v", code, err, s.Media)
	}
	out = stdoutOf(&code, []string{"stats", "--db", path})
	if want := ", 0 missing, " + strconv.Itoa(s.Media.DueFiles) + " not archived yet"; !strings.Contains(out, want) {
		t.Errorf("stats: want %q in\n%s", want, out)
	}
	out = stdoutOf(&code, []string{"verify", "--db", path, "--log-level", "error"})
	if n := strings.Count(out, "due\thttps://www.spp.gov.cn/"); code != exitFailures || n != s.Media.Due {
		t.Errorf("verify: exit %d, %d due lines, want exit 1 and %d:\n%s", code, n, s.Media.Due, out)
	}
	code = run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--channels", "builtin", "--delay", "0", "--quiet", "--log-level", "error"})
	if code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	if code := run([]string{"verify", "--db", path, "--log-level", "error", "--quiet"}); code != exitOK {
		t.Errorf("verify once the crawl fetched them: exit %d", code)
	}
}
