package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/store"
	"sppcrawl/store/storetest"
)

// localFixture serves the fixture site of host (testdata/sites/HOST) as a
// static mirror.
func localFixture(tb testing.TB, host string) *httptest.Server {
	dir, err := filepath.Abs(filepath.Join("../../testdata/sites", host))
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	tb.Cleanup(srv.Close)
	return srv
}

// wantArticles are the fixture site's articles as their golden files have
// them, by id.
func wantArticles(t *testing.T, host string) map[string]sppcrawl.Article {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("../../testdata/sitepages", host, "*.golden.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("goldens of %s: %v, %d", host, err, len(files))
	}
	out := map[string]sppcrawl.Article{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var a sppcrawl.Article
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[a.ID] = a
	}
	return out
}

// A crawl of a local site by --site exports every article of it with its
// canonical URL, site, title, publish time, 来源, 作者, 编辑, channel and
// every paragraph exactly as its golden page has them, and archives its
// images and attachments.
func TestCLI_CrawlLocalSite(t *testing.T) {
	for _, host := range []string{"www.gd.jcy.gov.cn", "www.hbjc.gov.cn", "www.sx.jcy.gov.cn"} {
		t.Run(host, func(t *testing.T) {
			srv := localFixture(t, host)
			db := filepath.Join(t.TempDir(), "a.db")
			if code := run([]string{"crawl", "--site", host, "--origin", srv.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
				t.Fatalf("crawl: exit %d", code)
			}
			out := stdoutOf(nil, []string{"export", "--db", db, "--log-level", "error"})
			want := wantArticles(t, host)
			got := map[string]bool{}
			sc := bufio.NewScanner(strings.NewReader(out))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var a sppcrawl.Article
				if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
					t.Fatal(err)
				}
				w, ok := want[a.ID]
				if !ok {
					t.Errorf("unexpected article %s", a.ID)
					continue
				}
				got[a.ID] = true
				for _, m := range a.MediaRefs() {
					if m.SHA256 == "" {
						t.Errorf("%s: file %s not archived (%s)", a.ID, m.URL, m.Missing)
					}
				}
				if len(a.MediaRefs()) != len(w.Images)+len(w.Attachments) {
					t.Errorf("%s: %d files of its own, want %d", a.ID, len(a.MediaRefs()), len(w.Images)+len(w.Attachments))
				}
				g := []any{a.URL, a.Site, a.Title, a.PublishedAt.String(), a.Source, a.Author, a.Editor, a.Channel, a.Paragraphs}
				wv := []any{w.URL, host, w.Title, w.PublishedAt.String(), w.Source, w.Author, w.Editor, w.Channel, w.Paragraphs}
				if !reflect.DeepEqual(g, wv) {
					t.Errorf("%s:\ngot  %q\nwant %q", a.ID, g, wv)
				}
			}
			if len(got) != len(want) {
				t.Errorf("exported %d articles, want %d", len(got), len(want))
			}
			// The next run, without reading the navigation again, asks for
			// the lists as the site names them (index.html on www.sx.jcy).
			if code := run([]string{"crawl", "--site", host, "--origin", srv.URL, "--db", db, "--delay", "0", "--log-level", "error"}); code != exitOK {
				t.Errorf("second crawl: exit %d", code)
			}
		})
	}
}

func TestCLI_Sites(t *testing.T) {
	var code int
	out := stdoutOf(&code, []string{"sites", "--format", "json"})
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); code != exitOK || err != nil {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	if len(rows) < 3 || rows[0]["key"] != "spp" || rows[0]["host"] != "www.spp.gov.cn" || rows[0]["kind"] != "spp" {
		t.Fatalf("rows %v", rows)
	}
	for _, r := range rows {
		if len(r) != 4 || r["name"] == "" {
			t.Errorf("row %v: want key, host, kind, name", r)
		}
	}
	db := filepath.Join(t.TempDir(), "x.db")
	for _, bad := range [][]string{{"crawl", "--db", db, "--site", "www.example.com"}, {"fetch", "--db", db, "--site", "spp,hbjc", "https://www.spp.gov.cn/"}, {"sites", "x"}} {
		if code := run(bad); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// reextract reads a local site's raw pages with that site's adapter: a
// stale extraction comes back as the page has it, nothing lost.
func TestCLI_ReextractLocalSite(t *testing.T) {
	srv := localFixture(t, "www.hbjc.gov.cn")
	path := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--site", "hbjc", "--origin", srv.URL, "--db", path, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	ctx := context.Background()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts, _ := db.Since(ctx, 0, 10)
	stale := *arts[0]
	stale.Source = "旧版提取器读错的来源"
	if res, err := db.Upsert(ctx, &stale, nil); err != nil || res.Outcome.String() != "updated" {
		t.Fatalf("simulate a stale extraction: %v %v", res, err)
	}
	db.Close()
	if code := run([]string{"reextract", "--db", path, "--log-level", "error"}); code != exitOK {
		t.Fatalf("reextract: exit %d", code)
	}
	db, err = store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Get(ctx, stale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != arts[0].Source || got.Site != "www.hbjc.gov.cn" || got.Version != 3 {
		t.Errorf("after reextract: v%d source %q site %q, want v3 %q", got.Version, got.Source, got.Site, arts[0].Source)
	}
	if n, _ := db.Count(ctx); n != len(arts) {
		t.Errorf("%d articles after reextract, want %d", n, len(arts))
	}
}

// sites check reads a fixture local site's home, a list and an article and
// prints them field by field; a site whose article matches no template
// fails, the page named with what was expected.
func TestCLI_SitesCheck(t *testing.T) {
	srv := localFixture(t, "www.hbjc.gov.cn")
	var code int
	out := stdoutOf(&code, []string{"sites", "check", "www.hbjc.gov.cn", "--origin", srv.URL, "--log-level", "error"})
	for _, want := range []string{"home     https://www.hbjc.gov.cn/: 3 channels", "list     https://www.hbjc.gov.cn/jcyw/index.shtml: 检察要闻, page 1 of 2",
		"article  https://www.hbjc.gov.cn/jcyw/202005/t20200508_215530.shtml", "  source        湖北省人民检察院", "  editor        周洋"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`<html><body><ul class="nav"><li><a href="/xw/">新闻</a></li></ul></body></html>`))
	})
	mux.HandleFunc("/xw/index.shtml", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`<html><body><ul><li><a href="./202601/t20260101_9.shtml">甲</a></li></ul><script>var countPage = 1</script></body></html>`))
	})
	mux.HandleFunc("/xw/202601/t20260101_9.shtml", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`<html><head></head><body><canvas></canvas></body></html>`))
	})
	odd := httptest.NewServer(mux)
	defer odd.Close()
	out = stdoutOf(&code, []string{"sites", "check", "www.odd.jcy.gov.cn", "--origin", odd.URL, "--log-level", "error"})
	if code != exitFailures || !strings.Contains(out, "problem  fetch https://www.odd.jcy.gov.cn/xw/202601/t20260101_9.shtml") || !strings.Contains(out, "unknown layout") {
		t.Errorf("exit %d, want 1 and the page named:\n%s", code, out)
	}
}

// fetch --site takes the URLs of that site, and only those.
func TestCLI_FetchLocalSite(t *testing.T) {
	srv := localFixture(t, "www.gd.jcy.gov.cn")
	db := filepath.Join(t.TempDir(), "a.db")
	u := "https://www.gd.jcy.gov.cn/tzgg/202606/t20260611_7770799.shtml"
	var code int
	out := stdoutOf(&code, []string{"fetch", "--site", "gd.jcy", "--origin", srv.URL, "--db", db, "--json", "--log-level", "error", u})
	if code != exitOK || !strings.Contains(out, `"id": "gd.jcy-7770799"`) {
		t.Errorf("fetch: exit %d:\n%s", code, out)
	}
	if code := run([]string{"fetch", "--site", "gd.jcy", "--origin", srv.URL, "--db", db, "https://www.spp.gov.cn/spp/tt/202601/t20260101_1.shtml"}); code != exitUsage {
		t.Errorf("fetch of another site's URL: exit %d, want %d", code, exitUsage)
	}
}

// One archive holds several sites: a local site crawled into spp's
// archive is stored beside it, spp's channels and their states untouched;
// stats lists the channels of both, each with its site.
func TestCLI_CrawlSitesIntoOneArchive(t *testing.T) {
	spp, hb := siteServer(t), localFixture(t, "www.hbjc.gov.cn")
	db := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--db", db, "--origin", spp.URL, "--delay", "0", "--full", "--channels", "gzbg", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl spp: exit %d", code)
	}
	before := countArticles(t, db)
	sppChannels := runOut(t, "channels", "--db", db)
	if code := run([]string{"crawl", "--site", "hbjc", "--origin", hb.URL, "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl hbjc into spp's archive: exit %d", code)
	}
	if n := countArticles(t, db); n <= before {
		t.Errorf("%d articles after hbjc's crawl, want more than spp's %d", n, before)
	}
	if got := runOut(t, "channels", "--db", db); got != sppChannels {
		t.Errorf("spp's channels after hbjc's crawl:\n%s\nwant\n%s", got, sppChannels)
	}
	var s struct {
		Ledger []struct{ Site, Path string } `json:"ledger"`
	}
	if err := json.Unmarshal([]byte(runOut(t, "stats", "--db", db, "--format", "json")), &s); err != nil {
		t.Fatal(err)
	}
	sites := map[string]int{}
	for _, r := range s.Ledger {
		sites[r.Site]++
	}
	if sites["www.spp.gov.cn"] == 0 || sites["www.hbjc.gov.cn"] == 0 || len(sites) != 2 {
		t.Errorf("ledger by site %v, want spp's and hbjc's channels", sites)
	}
	if text := runOut(t, "stats", "--db", db); !strings.Contains(text, "SITE") || !strings.Contains(text, "www.hbjc.gov.cn") {
		t.Errorf("stats of two sites without their SITE column:\n%s", text)
	}
}

// --site names several sites for crawl only, each once; channels are one
// site's, and a mirror is named for each site (SITE=URL): refused
// otherwise, in words.
func TestCLI_CrawlSiteList(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"crawl", "--site", "spp,hbjc", "--origin", "http://127.0.0.1:1"}, "with several sites, name each site's mirror: SITE=URL"},
		{[]string{"crawl", "--site", "spp,hbjc", "--origin", "gd.jcy=http://127.0.0.1:1"}, "www.gd.jcy.gov.cn is not one of the sites --site names"},
		{[]string{"crawl", "--site", "spp,hbjc", "--origin", "hbjc=ftp://127.0.0.1:1"}, `--origin "hbjc=ftp://127.0.0.1:1"`},
		{[]string{"crawl", "--site", "spp,hbjc", "--channels", "tt"}, "--channels: only with one site (--site names 2)"},
		{[]string{"crawl", "--site", "spp,www.spp.gov.cn"}, "www.spp.gov.cn named twice"},
		{[]string{"crawl", "--site", "spp,nope"}, "nope"},
		{[]string{"fetch", "--site", "spp,hbjc", "https://www.spp.gov.cn/spp/tt/202611/t20261117_810001.shtml"}, "one site per run"},
	} {
		var code int
		errOut := stderrOf(&code, append(c.args, "--db", db))
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d saying %q", c.args, code, errOut, exitUsage, c.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused command made the archive: %v", err)
	}
}

// crawl --site A,B,C --origin A=URL,… crawls the three sites at once from
// their mirrors into one archive: each site's articles are those a crawl of
// that site alone stores.
func TestCLI_CrawlSitesAtOnce(t *testing.T) {
	mirrors := map[string]string{"spp": siteServer(t).URL, "hbjc": localFixture(t, "www.hbjc.gov.cn").URL,
		"gd.jcy": localFixture(t, "www.gd.jcy.gov.cn").URL}
	want := map[string]bool{}
	var origins []string
	for _, key := range []string{"spp", "hbjc", "gd.jcy"} {
		db := filepath.Join(t.TempDir(), key+".db")
		if code := run([]string{"crawl", "--site", key, "--origin", mirrors[key], "--db", db, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
			t.Fatalf("crawl %s alone: exit %d", key, code)
		}
		for _, id := range exportedIDs(t, db) {
			want[id] = true
		}
		origins = append(origins, key+"="+mirrors[key])
	}
	db := filepath.Join(t.TempDir(), "all.db")
	var code int
	errOut := stderrOf(&code, []string{"crawl", "--site", "spp,hbjc,gd.jcy", "--origin", strings.Join(origins, ","), "--db", db, "--full", "--delay", "0"})
	if code != exitOK {
		t.Fatalf("crawl of three sites: exit %d\n%s", code, errOut)
	}
	got := exportedIDs(t, db)
	if len(got) != len(want) {
		t.Errorf("%d articles from the three sites at once, want %d", len(got), len(want))
	}
	for _, id := range got {
		if !want[id] {
			t.Errorf("%s stored by the crawl at once, not by the three alone", id)
		}
	}
	for _, key := range []string{"spp:", "hbjc:", "gd.jcy:"} {
		if !strings.Contains(errOut, key) {
			t.Errorf("no line of site %s in the run's log:\n%s", key, errOut)
		}
	}
}

// extract --url of a local site reads the page with that site's adapter.
func TestCLI_ExtractLocalPage(t *testing.T) {
	var code int
	out := stdoutOf(&code, []string{"extract", "--format", "text", "--url", "https://www.hbjc.gov.cn/jcyw/202005/t20200508_215530.shtml",
		"../../testdata/sites/www.hbjc.gov.cn/jcyw/202005/t20200508_215530.shtml"})
	if code != exitOK || !strings.Contains(out, "来源：湖北省人民检察院") || !strings.Contains(out, "[责任编辑：周洋]") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// verify --repair rebuilds a local site's damaged record from its raw page
// with that site's adapter.
func TestCLI_RepairLocalSite(t *testing.T) {
	srv := localFixture(t, "www.gd.jcy.gov.cn")
	path := filepath.Join(t.TempDir(), "a.db")
	if code := run([]string{"crawl", "--site", "gd.jcy", "--origin", srv.URL, "--db", path, "--full", "--delay", "0", "--log-level", "error"}); code != exitOK {
		t.Fatalf("crawl: exit %d", code)
	}
	n := countArticles(t, path)
	storetest.CorruptArticle(t, path, currentSeqs(t, path, 3)[0])
	var code int
	errOut := stderrOf(&code, []string{"verify", "--repair", "--db", path})
	if code != exitOK || !strings.Contains(errOut, "1 records quarantined, 1 articles rebuilt") {
		t.Errorf("verify --repair: exit %d\n%s", code, errOut)
	}
	if got := countArticles(t, path); got != n {
		t.Errorf("%d articles after the repair, want %d", got, n)
	}
}
