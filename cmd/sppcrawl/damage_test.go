package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/store/storetest"
)

// crawledArchive is the fixture site crawled into a new archive (closed).
func crawledArchive(t *testing.T) string {
	t.Helper()
	return crawlFixture(t)
}

// crawlFixture crawls the fixture site in full into a new archive (closed),
// with the crawl flags extra.
func crawlFixture(t *testing.T, extra ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.db")
	args := []string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--full", "--delay", "0", "--parallel", "4",
		"--media", "none", "--log-level", "error", "--quiet"}
	if code := run(append(args, extra...)); code != exitOK {
		t.Fatalf("crawl of the fixture site: exit %d", code)
	}
	return path
}

// Every command on a damaged archive answers in words with exit 1: none
// panics (this test would crash), none hangs, none takes it for a usage
// error.
func TestCLI_DamagedArchive(t *testing.T) {
	good := crawledArchive(t)
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.db")
	storetest.Truncate(t, good, cut)
	damaged := []string{cut}
	// Bytes changed in few places and in many, at places that differ from
	// run to run (the crawl stores in the order its answers come).
	for _, s := range []struct {
		n    int
		seed uint64
	}{{64, 3}, {400, 7}, {400, 11}, {4000, 13}} {
		path := filepath.Join(dir, fmt.Sprintf("scrambled-%d-%d.db", s.n, s.seed))
		storetest.Scramble(t, good, path, s.n, s.seed)
		damaged = append(damaged, path)
	}
	origin := siteServer(t).URL
	commands := [][]string{
		{"verify"}, {"stats"}, {"stats", "--gaps"}, {"export", "--out", filepath.Join(dir, "x.jsonl")},
		{"export", "--format", "csv", "--out", filepath.Join(dir, "x.csv")}, {"export", "--format", "cases"},
		{"crawl", "--origin", origin, "--delay", "0"}, {"fetch", "--origin", origin, "https://www.spp.gov.cn/spp/gzbg/202611/t20261119_900000.shtml"},
		{"history", "spp-900000"}, {"failures"}, {"media", "--origin", origin, "--delay", "0"}, {"reextract"},
		{"backup", filepath.Join(dir, "b.db")},
	}
	for _, db := range damaged {
		for _, args := range commands {
			name := filepath.Base(db) + " " + strings.Join(args[:1], " ")
			var code int
			errOut := stderrOf(&code, append(append([]string{}, args...), "--db", db, "--log-level", "error"))
			switch {
			case db == cut && (code != exitFailures || !strings.Contains(errOut, "archive damaged")):
				t.Errorf("%s: exit %d, %q: want exit 1 saying the archive is damaged", name, code, errOut)
			case code != exitOK && code != exitFailures:
				t.Errorf("%s: exit %d: %s", name, code, errOut)
			case code == exitFailures && strings.TrimSpace(errOut) == "":
				t.Errorf("%s: exit 1 without a word", name)
			}
		}
		// Last, as it replaces a file whose structure is damaged: verify
		// --repair salvages it, and what it leaves opens.
		var code int
		errOut := stderrOf(&code, []string{"verify", "--repair", "--db", db, "--log-level", "error"})
		aside, _ := filepath.Glob(db + ".damaged-*")
		switch {
		case code != exitOK && code != exitFailures:
			t.Errorf("%s verify --repair: exit %d: %s", filepath.Base(db), code, errOut)
		case db == cut && (len(aside) != 1 || !strings.Contains(errOut, "salvage: ")):
			t.Errorf("%s verify --repair: no salvage (%v): %s", filepath.Base(db), aside, errOut)
		}
		errOut = stderrOf(&code, []string{"stats", "--db", db, "--quiet"})
		if code != exitOK {
			t.Errorf("%s: stats after verify --repair: exit %d: %s", filepath.Base(db), code, errOut)
		}
	}
}

// An archive with one article's record damaged: export writes every other
// article and exits 1 naming it; verify --repair sets it aside and rebuilds
// it from its stored page; then everything exports.
func TestCLI_OneBadRecord(t *testing.T) {
	path := crawlFixture(t, "--media", "all")
	// The 7th current record, not seq 7: a cross-post moves on to a later
	// seq when its own channel is read, in the crawl's order.
	storetest.CorruptArticle(t, path, currentSeqs(t, path, 7)[0])
	out := filepath.Join(t.TempDir(), "all.jsonl")
	var code int
	errOut := stderrOf(&code, []string{"export", "--db", path, "--out", out})
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), "\n"); code != exitFailures || n != fixtureArticles-1 || !strings.Contains(errOut, "1 records skipped") {
		t.Errorf("export: exit %d, %d lines, %q: want exit 1, the %d others", code, n, errOut, fixtureArticles-1)
	}
	if code := run([]string{"verify", "--db", path, "--log-level", "error"}); code != exitFailures {
		t.Errorf("verify of a bad record: exit %d", code)
	}
	errOut = stderrOf(&code, []string{"verify", "--repair", "--db", path})
	if code != exitOK || !strings.Contains(errOut, "1 records quarantined, 1 articles rebuilt") {
		t.Errorf("verify --repair: exit %d\n%s", code, errOut)
	}
	if code := run([]string{"export", "--db", path, "--out", out, "--quiet"}); code != exitOK {
		t.Errorf("export after the repair: exit %d", code)
	}
	if b, _ := os.ReadFile(out); strings.Count(string(b), "\n") != fixtureArticles {
		t.Errorf("after the repair: %d articles exported", strings.Count(string(b), "\n"))
	}
}

// Only crawl and fetch create an archive; a path that is no archive is
// refused in words.
func TestCLI_NoArchive(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	for _, c := range []struct {
		db, want string
	}{{missing, "no archive there"}, {empty, "empty file"}, {dir, "is a directory"}, {"/dev/null", "is a device"}} {
		for _, args := range [][]string{{"verify"}, {"reextract"}, {"media"}, {"failures", "--reset", "--all"}, {"history", "spp-1"}, {"stats"}, {"export"}, {"backup", filepath.Join(dir, "b.db")}} {
			var code int
			errOut := stderrOf(&code, append(args, "--db", c.db))
			if code != exitFailures || !strings.Contains(errOut, c.want) {
				t.Errorf("%s --db %s: exit %d, %q; want exit 1 saying %q", args[0], c.db, code, errOut, c.want)
			}
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a command created %s", missing)
	}
}

// A file whose structure is damaged (a leaf of the articles log and one of
// the id index lost): verify says where, reads are refused in words,
// verify --repair salvages what the sound pages hold into a new file
// (keeping the damaged one aside), stores again what it can from the
// records and pages kept, and the next crawl fetches the rest: the archive
// is whole again.
func TestCLI_Salvage(t *testing.T) {
	good := crawledArchive(t)
	dir := t.TempDir()
	half := filepath.Join(dir, "half.db")
	path := filepath.Join(dir, "a.db")
	storetest.BreakLeaf(t, good, half, "articles")
	storetest.BreakLeaf(t, half, path, "ids")
	var code int
	out := stdoutOf(&code, []string{"verify", "--db", path, "--log-level", "error"})
	if code != exitFailures || !strings.Contains(out, `bucket "articles"`) || !strings.Contains(out, `bucket "ids"`) {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}
	errOut := stderrOf(&code, []string{"export", "--db", path, "--out", filepath.Join(dir, "x.jsonl")})
	if code != exitFailures || !strings.Contains(errOut, "verify --repair salvages") {
		t.Errorf("export of a damaged structure: exit %d, %q", code, errOut)
	}
	errOut = stderrOf(&code, []string{"verify", "--repair", "--db", path})
	if !strings.Contains(errOut, "salvage: ") || !strings.Contains(errOut, "2 damaged places passed") {
		t.Fatalf("verify --repair: exit %d\n%s", code, errOut)
	}
	aside, _ := filepath.Glob(path + ".damaged-*")
	if len(aside) != 1 {
		t.Errorf("the damaged file is not kept aside: %v", aside)
	}
	code = run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--quiet", "--log-level", "error"})
	if code != exitOK {
		t.Errorf("crawl after the salvage: exit %d", code)
	}
	errOut = stderrOf(&code, []string{"verify", "--db", path})
	if code != exitOK || !strings.Contains(errOut, fmt.Sprintf("verify: %d articles", fixtureArticles)) || !strings.Contains(errOut, ": 0 problems") {
		t.Errorf("verify after the salvage and a crawl: exit %d\n%s", code, errOut)
	}
}

// verify checks the page structure even of a file whose stamp says it is
// sound: here bytes changed in place by something that put the file's time
// back.
func TestCLI_VerifyChecksStampedFile(t *testing.T) {
	path := crawledArchive(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.db")
	storetest.BreakLeaf(t, path, broken, "ids")
	b, _ := os.ReadFile(broken)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(b, 0)
	f.Close()
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	var code int
	out := stdoutOf(&code, []string{"verify", "--db", path, "--log-level", "error"})
	if code != exitFailures || !strings.Contains(out, `bucket "ids"`) {
		t.Errorf("verify of a stamped file damaged in place: exit %d\n%s", code, out)
	}
}
