package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl/search"
)

// getJSON decodes the JSON answer of a GET of u into v.
func getURL(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %s: %v", u, resp.Status, err)
	}
}

// serveChild starts `sppcrawl serve` with args as a child and returns the
// address it listens on, once it serves.
func serveChild(t *testing.T, args ...string) string {
	t.Helper()
	cmd := sppcrawlChild(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		if _, addr, ok := strings.Cut(sc.Text(), "msg=serving addr="); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return addr
		}
	}
	t.Fatal("serve did not start")
	return ""
}

// `index --index FILE` writes the index there, not beside the archive, and
// `serve --index FILE` answers searches from it.
func TestCLI_IndexFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := crawledArchive(t)
	if err := os.Remove(search.PathFor(path)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "replica.search")
	if code := run([]string{"index", "--db", path, "--index", file, "--quiet"}); code != exitOK {
		t.Fatalf("index --index: exit %d", code)
	}
	if _, err := os.Stat(search.PathFor(path)); !os.IsNotExist(err) {
		t.Errorf("index --index made the default file too: %v", err)
	}
	want := len(searchIDs(t, path, "--index", file, "检察官"))
	if want == 0 {
		t.Fatal("search --index found nothing")
	}

	addr := serveChild(t, "--db", path, "--index", file)
	var health struct {
		Index search.Status `json:"search_index"`
	}
	getURL(t, "http://"+addr+"/healthz", &health)
	if health.Index.Path != file {
		t.Errorf("serve --index %s: /healthz search_index.path = %q", file, health.Index.Path)
	}
	var res struct {
		Total int `json:"total"`
	}
	getURL(t, "http://"+addr+"/api/search?q="+url.QueryEscape("检察官"), &res)
	if res.Total != want {
		t.Errorf("serve --index: /api/search total %d, search --index %d", res.Total, want)
	}
}

// An index whose folder is a file (ENOTDIR) is not taken for damage: the
// command names the file and the cause, exits 1, and remakes nothing.
func TestCLI_IndexFolderIsAFile(t *testing.T) {
	path := crawledArchive(t)
	file := filepath.Join(path, "x.search") // the archive is a file
	for _, args := range [][]string{
		{"search", "--db", path, "--index", file, "检察官"},
		{"index", "--db", path, "--index", file},
	} {
		var code int
		logs := stderrOf(&code, args)
		if code != exitFailures {
			t.Errorf("%s: exit %d, want %d", args[0], code, exitFailures)
		}
		for _, w := range []string{file, "cannot open or write it", path + " is a file, not a folder"} {
			if !strings.Contains(logs, w) {
				t.Errorf("%s: want %q in:\n%s", args[0], w, logs)
			}
		}
		if strings.Contains(logs, "making it again") {
			t.Errorf("%s: an environment failure taken for damage:\n%s", args[0], logs)
		}
	}
	if n := countArticles(t, path); n == 0 {
		t.Error("the archive lost its articles")
	}
}

// A crawl whose index cannot be written (here a folder in the file's
// place) stores its articles all the same, says why the index is not
// caught up once, naming the file, and exits 1; the folder is left as it
// was.
func TestCLI_CrawlIndexCannotBeWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	kept := filepath.Join(search.PathFor(path), "kept")
	if err := os.MkdirAll(kept, 0o700); err != nil {
		t.Fatal(err)
	}
	var code int
	logs := stderrOf(&code, []string{"crawl", "--db", path, "--origin", siteServer(t).URL, "--full", "--delay", "0",
		"--parallel", "4", "--media", "none", "--log-level", "warn", "--quiet"})
	if code != exitFailures {
		t.Errorf("crawl: exit %d, want %d", code, exitFailures)
	}
	want := "search index " + search.PathFor(path) + ": cannot open or write it: the file: it is a folder, not a file"
	if strings.Count(logs, want) != 1 || strings.Contains(logs, "making it again") {
		t.Errorf("want %q once, no remaking, in:\n%s", want, logs)
	}
	if n := countArticles(t, path); n == 0 {
		t.Error("no article stored")
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the folder in the index's place: %v", err)
	}
}
