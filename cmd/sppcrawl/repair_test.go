package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sppcrawl/store/storetest"
)

// copyArchive copies the archive at path, its media folder too, to a new
// path.
func copyArchive(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy.db")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst+".media", os.DirFS(path+".media")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return dst
}

// exportedLines is the archive's export, one line per article, sorted.
func exportedLines(t *testing.T, path string) []string {
	t.Helper()
	var code int
	out := stdoutOf(&code, []string{"export", "--db", path, "--quiet"})
	if code != exitOK {
		t.Fatalf("export of %s: exit %d", path, code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(lines)
	return lines
}

// exportedIDs is the id of each article the archive exports.
func exportedIDs(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, a := range exported(t, path) {
		out = append(out, a.ID) // its URL and channel: the cross-post's depend on the crawl's order
	}
	slices.Sort(out)
	return out
}

// repairThenCrawl runs verify --repair on the archive at path, which must
// exit 1 saying what it lost by kind, then plain crawls (no --full) until
// the archive exports every article of the site, as want does.
func repairThenCrawl(t *testing.T, path string, want []string) (repairLog string) {
	t.Helper()
	var code int
	repairLog = stderrOf(&code, []string{"verify", "--repair", "--db", path, "--log-level", "error"})
	if code != exitFailures || !strings.Contains(repairLog, "; lost: ") || !strings.Contains(repairLog, "walks of") {
		t.Fatalf("verify --repair: exit %d, want 1 saying what was lost:\n%s", code, repairLog)
	}
	origin := siteServer(t).URL
	for i := range 2 {
		code = run([]string{"crawl", "--db", path, "--origin", origin, "--delay", "0", "--parallel", "4", "--quiet", "--log-level", "error"})
		if code != exitOK {
			t.Fatalf("plain crawl %d after the repair: exit %d", i+1, code)
		}
	}
	if got := exportedIDs(t, path); !slices.Equal(got, want) {
		t.Errorf("after the repair and two plain crawls: %d articles exported, the site has %d", len(got), len(want))
	}
	if code := run([]string{"verify", "--db", path, "--quiet", "--log-level", "error"}); code != exitOK {
		t.Errorf("verify after the crawls: exit %d", code)
	}
	return repairLog
}

// An archive cut to half its size: verify --repair salvages what it can,
// says what it lost and exits 1; plain crawls then make it whole again.
func TestCLI_RepairHalfCut(t *testing.T) {
	// One request at a time, so that the cut falls in the same records every
	// run (where it falls decides what the salvage reads back).
	good := crawlFixture(t, "--media", "all", "--parallel", "1")
	want := exportedIDs(t, good)
	if len(want) != fixtureArticles {
		t.Fatalf("the fixture crawl exported %d articles", len(want))
	}
	path := copyArchive(t, good)
	storetest.Truncate(t, good, path)
	log := repairThenCrawl(t, path, want)
	if !strings.Contains(log, "damaged places") {
		t.Errorf("the repair does not count the damaged places:\n%s", log)
	}
}

// A cut that keeps the counters: the repair counts the articles lost per
// channel, and the ledger's gaps count them against what the site
// announces until the crawls have walked the channels again.
func TestCLI_RepairCountsByChannel(t *testing.T) {
	// One request at a time: the order of the crawl, so which articles and
	// pages share the first leaves, is the same every run (a cross-post met
	// first in 头条 moves its page to the end of the log when its own
	// channel is read).
	good := crawlFixture(t, "--media", "all", "--parallel", "1")
	want := exportedIDs(t, good)
	path := copyArchive(t, good)
	// The first articles' records lost, and with them the way to their
	// stored pages: the first leaves of the pages and of the index from an
	// article to its page (which articles share those leaves depends on
	// the crawl's order; with all three broken, some of the lost articles'
	// pages are always beyond reach).
	dir := t.TempDir()
	half, third := filepath.Join(dir, "half.db"), filepath.Join(dir, "third.db")
	storetest.BreakLeaf(t, good, half, "articles")
	storetest.BreakLeaf(t, half, third, "raw")
	storetest.BreakLeaf(t, third, path, "rawof")
	var code int
	log := stderrOf(&code, []string{"verify", "--repair", "--db", path, "--log-level", "error"})
	if code != exitFailures || !strings.Contains(log, " articles (") {
		t.Fatalf("verify --repair of a lost leaf of articles: exit %d, want 1 and the articles lost by channel:\n%s", code, log)
	}
	stats := stdoutOf(&code, []string{"stats", "--db", path, "--format", "json"})
	var s struct {
		Ledger []struct {
			Key                                   string
			Announced, Stored, Failed, Gone, Gaps int
			Walk                                  string
		}
	}
	if err := json.Unmarshal([]byte(stats), &s); err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, c := range s.Ledger {
		if c.Walk == "" {
			continue
		}
		marked++
		// The article lost is due in the failure log (its URL was known).
		if c.Failed != 1 || c.Gaps != max(0, c.Announced-c.Stored-c.Failed-c.Gone) {
			t.Errorf("%s: %d failed, %d gaps, %d stored of %d announced: want the lost article failed, the rest gaps", c.Key, c.Failed, c.Gaps, c.Stored, c.Announced)
		}
	}
	if marked != 1 {
		t.Errorf("%d walks marked unfinished, want the one channel's that lost an article:\n%s", marked, stats)
	}
	origin := siteServer(t).URL
	if code := run([]string{"crawl", "--db", path, "--origin", origin, "--delay", "0", "--quiet", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	if got := exportedIDs(t, path); !slices.Equal(got, want) {
		t.Errorf("after the repair and a plain crawl: %d articles, want %d", len(got), len(want))
	}
}

// Files bbolt cannot open at all (both meta pages damaged; cut below one
// page) are "archive damaged" with what to do, for every command; verify
// --repair salvages what their pages hold, and plain crawls do the rest.
func TestCLI_UnopenableArchive(t *testing.T) {
	good := crawlFixture(t, "--media", "all")
	want := exportedIDs(t, good)
	for _, c := range []struct {
		name   string
		damage func(b []byte) []byte
		kept   int // articles the salvage keeps
	}{
		{"both meta pages", func(b []byte) []byte {
			for _, off := range []int{0, 4096} {
				copy(b[off+16+16:], "\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef")
			}
			return b
		}, fixtureArticles},
		{"below one page", func(b []byte) []byte { return b[:3000] }, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := copyArchive(t, good)
			b, _ := os.ReadFile(path)
			os.WriteFile(path, c.damage(b), 0o644)
			for _, args := range [][]string{{"stats"}, {"export"}, {"verify"}} {
				var code int
				errOut := stderrOf(&code, append(args, "--db", path, "--log-level", "error"))
				if code != exitFailures || !strings.Contains(errOut, "archive damaged") || strings.Contains(errOut, "not an sppcrawl archive") {
					t.Errorf("%s: exit %d, %q: want exit 1 saying the archive is damaged", args[0], code, errOut)
				}
			}
			errOut := stderrOf(nil, []string{"verify", "--repair", "--db", path, "--log-level", "error"})
			if !strings.Contains(errOut, "salvage: ") {
				t.Fatalf("verify --repair salvaged nothing:\n%s", errOut)
			}
			if got := len(exportedLines(t, path)); c.kept > 0 && got != c.kept {
				t.Errorf("the salvage kept %d articles, want %d", got, c.kept)
			}
			if c.kept == 0 {
				repairThenCrawlOnly(t, path, want)
			}
		})
	}
	// A file of another kind stays "not an sppcrawl archive".
	other := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(other, []byte(strings.Repeat("not an archive\n", 400)), 0o644)
	var code int
	errOut := stderrOf(&code, []string{"stats", "--db", other})
	if code != exitFailures || !strings.Contains(errOut, "not an sppcrawl archive") {
		t.Errorf("a text file: exit %d, %q", code, errOut)
	}
}

// repairThenCrawlOnly crawls an archive already repaired until it exports
// every article of the site.
func repairThenCrawlOnly(t *testing.T, path string, want []string) {
	t.Helper()
	code := run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--parallel", "4", "--quiet", "--log-level", "error"})
	if code != exitOK {
		t.Fatalf("plain crawl after the salvage: exit %d", code)
	}
	if got := exportedIDs(t, path); !slices.Equal(got, want) {
		t.Errorf("after the salvage and a plain crawl: %d articles, want %d", len(got), len(want))
	}
}
