package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Usage errors exit 2 with a pointer to --help, whenever they are found.
func TestCLI_UsageErrorsPointToHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, args := range [][]string{
		{"fetch", ""}, {"fetch", "   "}, {"fetch", "#x"}, {"crawl", "--parallel", "0"}, {"crawl", "--since", "2026-02-30"},
		{"crawl", "--channels", "nope"}, {"crawl", "--origin", "http://127.0.0.1:1/mirror"}, {"crawl", "--origin", "http://127.0.0.1:1?x=1"},
		{"serve", "--public-url", `https://ex.org/"><script>alert(1)</script>`}, {"serve", "--public-url", "javascript:alert(1)//"},
		{"export", "--cdx", "x.cdxj"}, {"channels", "--forget", "../../etc"},
		{"search", "--limit", "0", "罪"}, {"search", "--limit", "x", "罪"}, {"subscriptions", "replay", "x", "--since", "-3"},
	} {
		var code int
		errOut := stderrOf(&code, append(args, "--db", db))
		if code != exitUsage || !strings.Contains(errOut, "--help lists the flags") {
			t.Errorf("%q: exit %d, %q: want exit 2 pointing to --help", args, code, errOut)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Error("a refused command created the archive")
	}
}

// export: --quiet prints nothing on success (--cursor-file keeps the
// cursor), --out /dev/stdout is standard output, and a refused --out
// writes no media either.
func TestCLI_ExportOutputs(t *testing.T) {
	path := crawledArchive(t)
	dir := t.TempDir()
	var code int
	errOut := stderrOf(&code, []string{"export", "--db", path, "--quiet", "--out", filepath.Join(dir, "a.jsonl")})
	if code != exitOK || errOut != "" {
		t.Errorf("export --quiet: exit %d, printed %q", code, errOut)
	}
	cursor := filepath.Join(dir, "cursor")
	if code := run([]string{"export", "--db", path, "--quiet", "--cursor-file", cursor, "--out", filepath.Join(dir, "b.jsonl")}); code != exitOK {
		t.Errorf("--cursor-file: exit %d", code)
	}
	// (The last seq: one per article, and one more when the crawl met the
	// cross-post in 头条 first and moved it to its own channel's URL.)
	if b, _ := os.ReadFile(cursor); strings.TrimSpace(string(b)) != strconv.FormatUint(lastSeq(t, path), 10) {
		t.Errorf("cursor file %q, want the last seq %d", b, lastSeq(t, path))
	}
	out := stdoutOf(&code, []string{"export", "--db", path, "--limit", "2", "--out", "/dev/stdout", "--quiet"})
	if code != exitOK || strings.Count(out, "\n") != 2 {
		t.Errorf("--out /dev/stdout: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	media := filepath.Join(dir, "media")
	if code := run([]string{"export", "--db", path, "--media-dir", media, "--out", "/dev/null"}); code != exitFailures {
		t.Errorf("--out /dev/null: exit %d", code)
	}
	if _, err := os.Stat(media); !os.IsNotExist(err) {
		t.Error("media written before the output was refused")
	}
	out = stdoutOf(&code, []string{"verify", "--db", path, "--format", "json", "--quiet"})
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep["problems"] == nil {
		t.Errorf("verify --format json: problems %v (%v): want []", rep["problems"], err)
	}
}

// A channel typed by mistake (专项报告: on the live site, not on the fixture
// one) is forgotten on request; an unknown one is refused in words.
func TestCLI_ChannelsForget(t *testing.T) {
	path := crawledArchive(t)
	if code := run([]string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--delay", "0", "--channels", "/spp/zxbg/", "--log-level", "error", "--quiet"}); code != exitFailures {
		t.Fatalf("crawl of a missing channel: exit %d", code)
	}
	out := stdoutOf(nil, []string{"stats", "--db", path})
	if !strings.Contains(out, "zxbg: missing") {
		t.Fatalf("stats does not warn of the missing channel:\n%s", out)
	}
	if code := run([]string{"channels", "--forget", "/spp/zxbg/", "--db", path, "--quiet"}); code != exitOK {
		t.Errorf("channels --forget: exit %d", code)
	}
	out = stdoutOf(nil, []string{"stats", "--db", path})
	if strings.Contains(out, "\nzxbg ") || strings.Contains(out, "warnings:") {
		t.Errorf("the forgotten channel is still in the ledger or its warnings:\n%s", out)
	}
	if code := run([]string{"channels", "--forget", "/spp/zxbg/", "--db", path}); code != exitFailures {
		t.Errorf("forgetting it twice: exit %d", code)
	}
}

// The command list keeps its summaries in one column, however long the
// longest command's name.
func TestUsage_SummariesInOneColumn(t *testing.T) {
	var b strings.Builder
	usage(&b)
	col := -1
	for _, c := range commands {
		i := strings.Index(b.String(), "\n  "+c.name+" ")
		if i < 0 {
			t.Fatalf("%s is not listed:\n%s", c.name, b.String())
		}
		line, _, _ := strings.Cut(b.String()[i+1:], "\n")
		at := strings.Index(line, c.summary)
		if col < 0 {
			col = at
		}
		if at != col || at < len(c.name)+4 {
			t.Errorf("%q: summary at column %d, the first at %d", line, at, col)
		}
	}
}

// Every command's --help reads cleanly: a flag whose default depends on
// other flags says so in words, not also as the flag package's
// "(default -1)".
func TestUsage_NoSentinelDefaults(t *testing.T) {
	for _, c := range commands {
		var code int
		out := stdoutOf(&code, []string{c.name, "--help"})
		if code != exitOK || !strings.Contains(out, "Usage:") {
			t.Fatalf("%s --help: exit %d, %q", c.name, code, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Count(line, "(default") > 1 || strings.Contains(line, "(default -") {
				t.Errorf("%s --help: %q", c.name, strings.TrimSpace(line))
			}
		}
	}
}
