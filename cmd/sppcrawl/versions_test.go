package main

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sppcrawl"

	"sppcrawl/store"
	"sppcrawl/web"
)

// changingSite serves testdata/site, with pages edited as the site corrects
// them.
type changingSite struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string][]byte // path → the page served instead of the file
}

func newChangingSite(tb testing.TB) *changingSite {
	dir, err := filepath.Abs("../../testdata/site")
	if err != nil {
		tb.Fatal(err)
	}
	s := &changingSite{pages: map[string][]byte{}}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		page, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	tb.Cleanup(s.Close)
	return s
}

// edit replaces every old by new on the page at path, as the site would
// correct it.
func (s *changingSite) edit(tb testing.TB, path, old, new string) {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	page, ok := s.pages[path]
	if !ok {
		var err error
		if page, err = os.ReadFile(filepath.Join("../../testdata/site", path)); err != nil {
			tb.Fatal(err)
		}
	}
	if !strings.Contains(string(page), old) {
		tb.Fatalf("%s does not hold %q", path, old)
	}
	s.pages[path] = []byte(strings.ReplaceAll(string(page), old, new))
}

const (
	correctedPath = "/spp/zgjdxal/202611/t20261120_860000.shtml"
	correctedURL  = "https://www.spp.gov.cn" + correctedPath
	correctedID   = "spp-860000"
)

// fieldCorrection is a correction of one field of a page, nothing else.
type fieldCorrection struct {
	name, field string
	old, new    string                           // what the site replaces on the page
	got         func(a *sppcrawl.Article) string // the field, as exported
	want        string
	summary     string // history's CHANGES for it
}

var fieldCorrections = []fieldCorrection{
	{"Source", "source", "来源：高检网", "来源：检察日报（更正）",
		func(a *sppcrawl.Article) string { return a.Source }, "检察日报（更正）", "source changed"},
	{"Author", "author", "作者：　　来源", "作者：张三　　来源",
		func(a *sppcrawl.Article) string { return a.Author }, "张三", "author changed"},
	{"Editor", "editor", "[责任编辑： 编辑1]", "[责任编辑： 编辑9]",
		func(a *sppcrawl.Article) string { return a.Editor }, "编辑9", "editor changed"},
	{"PublishedAt", "published_at", `content="2026-11-20-03:30:00"> `, `content="2026-11-20-08:15:00"> `,
		func(a *sppcrawl.Article) string { return a.PublishedAt.Format(time.RFC3339) }, "2026-11-20T08:15:00+08:00", "published_at changed"},
	{"Title", "title", "检察官（860000）", "检察官（860000）（更正）",
		func(a *sppcrawl.Article) string { return a.Title }, "典型案例：指导法律监督司法公正公益诉讼，检察官（860000）（更正）", "title changed"},
	{"Kicker", "kicker", `<div class="detail_tit">`, `<div class="detail_yt">新的引题</div><div class="detail_tit">`,
		func(a *sppcrawl.Article) string { return a.Kicker }, "新的引题", "kicker changed"},
	{"Subtitle", "subtitle", "（860000）</div>", `（860000）</div><div class="detail_ft">新的副题</div>`,
		func(a *sppcrawl.Article) string { return a.Subtitle }, "新的副题", "subtitle changed"},
	{"ImageAlt", "images", `alt="配图"`, `alt="配图（更正）"`,
		func(a *sppcrawl.Article) string { return a.Images[0].Alt }, "配图（更正）", "images: 1 added, 1 removed"},
	{"AttachmentURL", "attachments", `href="/spp/zgjdxal/202611/P0860000.pdf"`, `href="/spp/zgjdxal/202611/P0860005.pdf"`,
		func(a *sppcrawl.Article) string { return a.Attachments[0].URL }, "https://www.spp.gov.cn" + "/spp/zgjdxal/202611/P0860005.pdf",
		"attachments: 1 added, 1 removed"},
}

// runOut runs the command and returns what it printed on stdout, failing
// the test on an exit status other than 0.
func runOut(t *testing.T, args ...string) string {
	t.Helper()
	var code int
	out := stdoutOf(&code, args)
	if code != exitOK {
		t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// exportedArticle is the article as `export` writes it.
func exportedArticle(t *testing.T, path, id string) *sppcrawl.Article {
	t.Helper()
	cursor := filepath.Join(t.TempDir(), "cursor")
	for _, line := range strings.Split(runOut(t, "export", "--db", path, "--format", "jsonl", "--cursor-file", cursor), "\n") {
		var a sppcrawl.Article
		if json.Unmarshal([]byte(line), &a) == nil && a.ID == id {
			return &a
		}
	}
	t.Fatalf("export of %s: no %s", path, id)
	return nil
}

// A correction of one field only, through fetch: the dry run says it
// would be a new version and shows the field; fetch stores it as version 2
// with a new seq and an article.updated event; the export carries the new
// value; history, its diff and the web page of the diff show the change.
func TestCLI_FieldCorrectionFetch(t *testing.T) {
	for _, c := range fieldCorrections {
		t.Run(c.name, func(t *testing.T) {
			site := newChangingSite(t)
			path := filepath.Join(t.TempDir(), "a.db")
			fetch := []string{"fetch", "--db", path, "--origin", site.URL, "--log-level", "error", correctedURL}
			runOut(t, fetch...)
			before := exportedArticle(t, path, correctedID)
			site.edit(t, correctedPath, c.old, c.new)

			dry := runOut(t, append(fetch, "--dry-run", "--diff")...)
			for _, want := range []string{correctedID + " would be updated", "would be a new version (v2): " + c.field + " changed", "@@ " + c.field} {
				if !strings.Contains(dry, want) {
					t.Errorf("fetch --dry-run --diff does not say %q:\n%s", want, dry)
				}
			}
			out := runOut(t, fetch...)
			if !strings.Contains(out, correctedID+" updated (v2, seq ") || !strings.Contains(out, "a new version: "+c.field+" changed") {
				t.Errorf("fetch of the corrected page:\n%s", out)
			}
			after := exportedArticle(t, path, correctedID)
			if got := c.got(after); got != c.want || after.Version != 2 || after.Seq <= before.Seq {
				t.Errorf("exported %s %q, v%d seq %d; want %q, v2 after seq %d", c.field, got, after.Version, after.Seq, c.want, before.Seq)
			}
			checkVersionShown(t, path, before.Seq, c)
		})
	}
}

// checkVersionShown checks that the archive at path tells of version 2 of
// the corrected article: an event for push after seq, history's summary
// and diff, and the web page of the diff.
func checkVersionShown(t *testing.T, path string, seq uint64, c fieldCorrection) {
	t.Helper()
	if list := runOut(t, "history", "--db", path, correctedID); !strings.Contains(list, "current") || !strings.Contains(list, c.summary) {
		t.Errorf("history does not say %q:\n%s", c.summary, list)
	}
	if d := runOut(t, "history", "--db", path, "--diff", correctedID); !strings.Contains(d, "@@ "+c.field) {
		t.Errorf("history --diff shows no %s:\n%s", c.field, d)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.Events(context.Background(), seq, 1000)
	var updated []sppcrawl.Event
	for _, e := range evs {
		if e.ID == correctedID {
			updated = append(updated, e)
		}
	}
	if err != nil || len(updated) != 1 || updated[0].Type != sppcrawl.EventUpdated || updated[0].Version != 2 {
		t.Errorf("events of %s after seq %d: %+v, %v; want one article.updated of v2", correctedID, seq, updated, err)
	}
	rec := httptest.NewRecorder()
	web.New(db, web.Options{Version: "test"}).Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/articles/"+correctedID+"/diff", nil))
	// The page shows a header field's new value; of images only the URLs,
	// of attachments nothing.
	shown := "<ins>" + strings.ReplaceAll(html.EscapeString(c.want), "+", "&#43;") + "</ins>"
	if header := c.field != "images" && c.field != "attachments"; rec.Code != http.StatusOK || (header && !strings.Contains(rec.Body.String(), shown)) {
		t.Errorf("/articles/%s/diff: %d, no %s", correctedID, rec.Code, shown)
	}
}

// The same corrections, found by a refresh crawl: one article updated, the
// rest of the channel unchanged.
func TestCLI_FieldCorrectionCrawl(t *testing.T) {
	for _, c := range fieldCorrections {
		t.Run(c.name, func(t *testing.T) {
			site := newChangingSite(t)
			path := filepath.Join(t.TempDir(), "a.db")
			crawl := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--parallel", "4", "--channels", "zgjdxal", "--full"}
			first := crawlSummary(t, crawl...)
			before := exportedArticle(t, path, correctedID)
			site.edit(t, correctedPath, c.old, c.new)
			sum := crawlSummary(t, append(crawl, "--refresh")...)
			if sum.Updated != 1 || sum.Unchanged != first.Created-1 {
				t.Errorf("refresh crawl: %d updated, %d unchanged; want 1 and %d", sum.Updated, sum.Unchanged, first.Created-1)
			}
			after := exportedArticle(t, path, correctedID)
			if got := c.got(after); got != c.want || after.Version != 2 || after.Seq <= before.Seq {
				t.Errorf("exported %s %q, v%d seq %d; want %q, v2 after seq %d", c.field, got, after.Version, after.Seq, c.want, before.Seq)
			}
			checkVersionShown(t, path, before.Seq, c)
		})
	}
}

// crawlSummary runs a crawl that must end ok and returns its summary.
func crawlSummary(t *testing.T, args ...string) sppcrawl.RunSummary {
	t.Helper()
	var code int
	errOut := stderrOf(&code, append(args, "--log-format", "json", "--log-level", "warn"))
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	var last struct {
		Summary sppcrawl.RunSummary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || code != exitOK {
		t.Fatalf("%s: exit %d, %v\n%s", strings.Join(args, " "), code, err, errOut)
	}
	return last.Summary
}

// Pages the site did not change are no versions, whatever the program
// derives differently from them (the channel of a cross-post, media, fetch
// times): two refresh crawls of the whole site store nothing new.
func TestCLI_RefreshOfUnchangedSiteMakesNoVersion(t *testing.T) {
	site := siteServer(t)
	path := filepath.Join(t.TempDir(), "a.db")
	crawl := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--parallel", "4", "--full"}
	if sum := crawlSummary(t, crawl...); sum.Created != fixtureArticles {
		t.Fatalf("first crawl created %d, want %d", sum.Created, fixtureArticles)
	}
	for i := range 2 {
		if sum := crawlSummary(t, append(crawl, "--refresh")...); sum.Updated != 0 || sum.Created != 0 || sum.Unchanged == 0 {
			t.Errorf("refresh crawl %d: %d updated, %d created, %d unchanged; want only unchanged", i+1, sum.Updated, sum.Created, sum.Unchanged)
		}
	}
}

// An archive written by 0.1 is upgraded and refreshed against the site: only
// the article whose stored text differs from the site's (corrected twice in
// that archive) becomes a new version; a second refresh finds nothing.
func TestCLI_RefreshOfUpgradedArchive(t *testing.T) {
	b, err := os.ReadFile("../../testdata/archive/v1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	site := siteServer(t)
	crawl := []string{"crawl", "--db", path, "--origin", site.URL, "--delay", "0", "--full", "--refresh", "--channels", "gzbg,gjgb,tzgg1"}
	if sum := crawlSummary(t, crawl...); sum.Updated != 1 {
		t.Errorf("first refresh of the upgraded archive: %d updated, want 1 (spp-900000)", sum.Updated)
	}
	if v := exportedArticle(t, path, "spp-900000").Version; v != 4 {
		t.Errorf("spp-900000 at v%d, want 4", v)
	}
	if sum := crawlSummary(t, crawl...); sum.Updated != 0 {
		t.Errorf("second refresh of the upgraded archive: %d updated, want 0", sum.Updated)
	}
}

// The site's own stamp moving alone (lastmodifiedtime) is no version: the
// dry run's diff shows it and says why nothing would be stored.
func TestCLI_ModifiedStampIsNoVersion(t *testing.T) {
	site := newChangingSite(t)
	path := filepath.Join(t.TempDir(), "a.db")
	fetch := []string{"fetch", "--db", path, "--origin", site.URL, "--log-level", "error", correctedURL}
	runOut(t, fetch...)
	before := exportedArticle(t, path, correctedID)
	site.edit(t, correctedPath, `'lastmodifiedtime' content="2026-11-20-03:30:00"`, `'lastmodifiedtime' content="2026-11-21-10:00:00"`)
	dry := runOut(t, append(fetch, "--dry-run", "--diff")...)
	for _, want := range []string{correctedID + " would be unchanged", "@@ modified_at", "no new version"} {
		if !strings.Contains(dry, want) {
			t.Errorf("fetch --dry-run --diff does not say %q:\n%s", want, dry)
		}
	}
	if out := runOut(t, fetch...); !strings.Contains(out, correctedID+" unchanged (v1, seq 1)") {
		t.Errorf("fetch:\n%s", out)
	}
	if after := exportedArticle(t, path, correctedID); after.Seq != before.Seq || after.Version != 1 {
		t.Errorf("after a stamp-only change: v%d seq %d, want v1 seq %d", after.Version, after.Seq, before.Seq)
	}
}
