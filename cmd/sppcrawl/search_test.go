package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sppcrawl"
	"sppcrawl/internal/golden"
	"sppcrawl/internal/searchscan"
	"sppcrawl/search"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// fixtureArchive crawls the whole fixture site into a new archive (its
// search index kept by the crawl).
func fixtureArchive(t *testing.T) string {
	t.Helper()
	return crawlFixture(t, "--channels", "builtin")
}

// exported is the archive's articles as `export` writes them.
func exported(t *testing.T, path string, args ...string) []*sppcrawl.Article {
	t.Helper()
	var code int
	out := stdoutOf(&code, append([]string{"export", "--db", path, "--quiet"}, args...))
	if code != exitOK {
		t.Fatalf("export: exit %d", code)
	}
	var arts []*sppcrawl.Article
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a sppcrawl.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, &a)
	}
	return arts
}

// searchIDs runs `sppcrawl search --format jsonl` and returns the ids found.
func searchIDs(t *testing.T, path string, args ...string) []string {
	t.Helper()
	ids, _ := searchIDsLogged(t, path, args...)
	return ids
}

// searchIDsLogged is searchIDs, with what the search logged.
func searchIDsLogged(t *testing.T, path string, args ...string) (ids []string, logs string) {
	t.Helper()
	o := runIO(append([]string{"search", "--db", path, "--format", "jsonl", "--quiet"}, args...), nil)
	code, out := o.code, o.stdout
	if code != exitOK {
		t.Fatalf("search %q: exit %d", args, code)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r struct {
			ID       string           `json:"id"`
			Snippets []search.Snippet `json:"snippets"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("search %q: %v in %q", args, err, l)
		}
		ids = append(ids, r.ID)
	}
	return ids, o.stderr
}

// oracle is the ids of the articles whose exported text holds query and
// that keep lets through, found by reading every article.
func oracle(t *testing.T, arts []*sppcrawl.Article, query string, keep func(*sppcrawl.Article) bool) []string {
	t.Helper()
	q, err := search.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range arts {
		if searchscan.Matches(a, q) && a.WithdrawnAt.IsZero() && (keep == nil || keep(a)) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// The fixture site's archive answers every kind of term as a scan of its
// export does, in the default order (newest first); the counts are kept
// in a golden file, so that a change of the fixture or of the matching
// shows.
func TestCLI_SearchEqualsScan(t *testing.T) {
	path := fixtureArchive(t)
	arts := exported(t, path)
	inChannel := func(p string) func(*sppcrawl.Article) bool {
		return func(a *sppcrawl.Article) bool { return a.ChannelPath == p }
	}
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, sppcrawl.CST())
	for _, tc := range []struct {
		flags []string
		q     string // the query, as words on the command line
		keep  func(*sppcrawl.Article) bool
	}{
		{q: "罪"},
		{q: "检察"},
		{q: "察官"}, // two characters across the site's words
		{q: "公益诉讼"},
		{q: "最高人民检察院第十四届检察委员会"},
		{q: "高检发释字〔2026〕1号"},
		{q: "number:高检发释字〔2026〕2号"},
		{q: "〔2026〕"},
		{q: "检例第224号"},
		{q: "检例第２２４号"}, // full-width digits
		{q: "1号"},
		{q: "title:头条"},
		{q: "检察 -title:头条"},
		{q: "-公益诉讼 检察"},
		{q: "公益诉讼 OR 民事检察 未成年人"},
		{q: "keyword:数字检察"},
		{q: "source:高检网 惩治"},
		{q: `"惩治 最高"`},
		{flags: []string{"--channel", "jczdal"}, q: "检察", keep: inChannel("/spp/jczdal/")},
		{flags: []string{"--from", "2026-10-01"}, q: "罪", keep: func(a *sppcrawl.Article) bool { return !a.PublishedAt.Before(since) }},
		{flags: []string{"--kind", "document"}, q: "检察", keep: func(a *sppcrawl.Article) bool { return a.Document != nil }},
		{flags: []string{"--kind", "case", "--channel", "zgjdxal"}, q: "案", keep: func(a *sppcrawl.Article) bool {
			return len(a.Cases) > 0 && a.ChannelPath == "/spp/zgjdxal/"
		}},
	} {
		args := append(slices.Clone(tc.flags), strings.Fields(tc.q)...)
		if strings.Contains(tc.q, `"`) {
			args = append(slices.Clone(tc.flags), tc.q)
		}
		got := searchIDs(t, path, args...)
		want := oracle(t, arts, tc.q, tc.keep)
		if gs, ws := sorted(got), sorted(want); !slices.Equal(gs, ws) {
			t.Errorf("search %q: %d results, the scan finds %d\nonly search: %v\nonly scan: %v", args, len(got), len(want), minus(gs, ws), minus(ws, gs))
		}
		if len(want) == 0 && tc.q != `"惩治 最高"` {
			t.Errorf("search %q: the scan finds nothing: not a test of matching", args)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// minus is what a has and b has not (both sorted).
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// The results come newest first, the count says the same as the stream,
// and the golden file keeps each query's total.
func TestCLI_SearchCountsAndOrder(t *testing.T) {
	path := fixtureArchive(t)
	arts := exported(t, path)
	published := map[string]time.Time{}
	for _, a := range arts {
		published[a.ID] = a.PublishedAt
	}
	var report strings.Builder
	for _, q := range []string{"罪", "检察", "公益诉讼", "高检发释字〔2026〕1号", "检例第２２４号", "title:头条", "keyword:数字检察"} {
		ids := searchIDs(t, path, q)
		for i := 1; i < len(ids); i++ {
			if published[ids[i]].After(published[ids[i-1]]) {
				t.Errorf("%q: %s (%s) after %s (%s): not newest first", q, ids[i], published[ids[i]], ids[i-1], published[ids[i-1]])
			}
		}
		var code int
		count := stdoutOf(&code, []string{"search", "--db", path, "--count", "--quiet", q})
		if n, err := strconv.Atoi(strings.TrimSpace(count)); err != nil || n != len(ids) || code != exitOK {
			t.Errorf("%q: --count printed %q (exit %d), the stream has %d", q, count, code, len(ids))
		}
		fmt.Fprintf(&report, "%s\t%d\n", q, len(ids))
	}
	golden.Check(t, "testdata/search/fixture-counts.golden", []byte(report.String()), *update, "go test ./cmd/sppcrawl -run SearchCounts -update")
}

// Bad input: exit 2 with the reason, naming what is wrong.
func TestCLI_SearchBadInput(t *testing.T) {
	path := fixtureArchive(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "want a query"},
		{[]string{`"认罪 认罚`}, "quote at character 1 is not closed"},
		{[]string{"--from", "2025-13", "罪"}, `from "2025-13" is not a date`},
		{[]string{"--channel", "nosuch", "罪"}, `channel "nosuch"`},
		{[]string{"--kind", "law", "罪"}, `kind "law"`},
		{[]string{"--sort", "best", "罪"}, `sort "best"`},
		{[]string{"-罪"}, "only excludes"},
		{[]string{strings.Repeat("罪", 257)}, "at most 256"},
		{[]string{strings.Repeat("罪 ", 17)}, "at most 16"},
		{[]string{"--cursor", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "罪"}, "another query"},
	} {
		var code int
		errOut := stderrOf(&code, append([]string{"search", "--db", path}, tc.args...))
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("search %q: exit %d, %q; want exit 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
}

// A crawl killed between storing its articles and indexing them leaves the
// index behind; the next command that writes the archive catches it up,
// and searches equal the scan again.
func TestCLI_SearchAfterKillBeforeIndexing(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "killed.db")
	cmd := sppcrawlChild("crawl", "--db", path, "--origin", site.URL, "--full", "--delay", "0", "--parallel", "4",
		"--channels", "builtin", "--media", "none", "--log-level", "debug")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "search index: catching up") {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	go io.Copy(io.Discard, pipe)
	cmd.Wait()
	if !killed {
		t.Fatal("the crawl ended without starting to index")
	}
	if behind := indexBehind(t, path); behind == 0 {
		t.Fatal("the kill left nothing to catch up: the test proves nothing")
	}
	if code := run([]string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--channels", "builtin", "--media", "none", "--quiet"}); code != exitOK {
		t.Fatalf("the next crawl: exit %d", code)
	}
	if behind := indexBehind(t, path); behind != 0 {
		t.Fatalf("after the next crawl the index is %d behind", behind)
	}
	arts := exported(t, path)
	for _, q := range []string{"罪", "检察", "高检发释字〔2026〕1号", "检例第２２４号"} {
		got, want := sorted(searchIDs(t, path, q)), sorted(oracle(t, arts, q, nil))
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%q after the kill: %d results, the scan finds %d", q, len(got), len(want))
		}
	}
}

// indexBehind is how many articles the index of the archive at path lacks.
func indexBehind(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ix, err := search.Open(search.PathFor(path), search.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.Behind(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A search index whose pages no longer read (a disk's damage) is made
// again from the archive by the next search, which says so and answers
// as the scan does; verify reads every page of the index and remakes a
// damaged one too.
func TestCLI_DamagedIndexIsMadeAgain(t *testing.T) {
	// Its media archived too: verify passes only on a whole archive.
	path := crawlFixture(t, "--channels", "builtin", "--media", "all")
	want := oracle(t, exported(t, path), "检察官", nil)
	slices.Sort(want)
	storetest.Scribble(t, search.PathFor(path))
	got, logs := searchIDsLogged(t, path, "检察官")
	slices.Sort(got)
	if !slices.Equal(got, want) || !strings.Contains(logs, "search index damaged: making it again from the archive") {
		t.Errorf("%d found (the scan: %d); logs:\n%s", len(got), len(want), logs)
	}

	storetest.Scribble(t, search.PathFor(path))
	var code int
	logs = stderrOf(&code, []string{"verify", "--db", path, "--quiet"})
	if code != exitOK || !strings.Contains(logs, "search index damaged: making it again") {
		t.Errorf("verify: exit %d; logs:\n%s", code, logs)
	}
	ix, err := search.Open(search.PathFor(path), search.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Check(context.Background()); err != nil {
		t.Errorf("after verify: %v", err)
	}
}

// The table for a person: a match in the title marks the title (in bold
// on a terminal) instead of repeating it as a snippet, a body snippet
// goes under it, and text from the site cannot move the terminal (its
// escape character is dropped).
func TestWriteResultTable(t *testing.T) {
	day := time.Date(2026, 3, 9, 10, 0, 0, 0, sppcrawl.CST())
	title := search.Snippet{Field: "title", Text: "最高检发布典型案例", Match: [][2]int{{5, 7}}}
	body := search.Snippet{Field: "body", Text: "……一批典型案例\x1b[2J。", Match: [][2]int{{4, 6}}}
	res := &search.Result{Total: 3, Results: []search.Hit{
		{ID: "spp-1", Title: title.Text, ChannelPath: "/spp/xwfbh/", PublishedAt: day, Version: 1, Current: true, Snippets: []search.Snippet{title, body}},
		{ID: "spp-2", Title: title.Text, ChannelPath: "/spp/xwfbh/", PublishedAt: day, Version: 2, Current: false, Snippets: []search.Snippet{title}},
		{ID: "spp-3", Title: "关于典型案例的通知", ChannelPath: "/spp/xwfbh/", PublishedAt: day, Version: 1, Current: true, Snippets: []search.Snippet{body}},
	}}
	req := search.Request{Query: "典型", Sort: "newest"}
	for _, c := range []struct {
		bold bool
		want string
	}{
		{false, "3 results for 典型 (newest first)\n\n" +
			"2026-03-09  spp-1  xwfbh  最高检发布典型案例\n            ……一批典型案例[2J。\n\n" +
			"2026-03-09  spp-2 (v2)  xwfbh  最高检发布典型案例\n\n" +
			"2026-03-09  spp-3  xwfbh  关于典型案例的通知\n            ……一批典型案例[2J。\n"},
		{true, "3 results for 典型 (newest first)\n\n" +
			"2026-03-09  spp-1  xwfbh  最高检发布\x1b[1m典型\x1b[0m案例\n            ……一批\x1b[1m典型\x1b[0m案例[2J。\n\n" +
			"2026-03-09  spp-2 (v2)  xwfbh  最高检发布\x1b[1m典型\x1b[0m案例\n\n" +
			"2026-03-09  spp-3  xwfbh  关于典型案例的通知\n            ……一批\x1b[1m典型\x1b[0m案例[2J。\n"},
	} {
		var b strings.Builder
		if err := writeResultTable(&b, req, res, c.bold); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("bold=%v:\n%q\nwant\n%q", c.bold, b.String(), c.want)
		}
	}
}
