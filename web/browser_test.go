package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium is the browser the tests drive: $SPPCRAWL_CHROMIUM, or Debian's
// chromium on the PATH. Without one the browser tests skip, except in CI
// (CI set), where .ci/run installs it and a skip would hide a failure.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SPPCRAWL_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on the PATH: .ci/run installs Debian's chromium")
	}
	t.Skip("no chromium on the PATH (apt-get install chromium, or set SPPCRAWL_CHROMIUM)")
	return ""
}

// watcher collects what must never happen on a page: a script error, a
// console error (CSP violations are reported there), a dialog (a hostile
// script running), a request to another origin, an answer of 400 or more.
type watcher struct {
	origin string
	mu     sync.Mutex
	bad    []string
}

func (w *watcher) add(format string, args ...any) {
	w.mu.Lock()
	w.bad = append(w.bad, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

func (w *watcher) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		w.add("script error: %s", e.ExceptionDetails.Text)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
			w.add("console %s", e.Type)
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			w.add("console: %s (%s)", e.Entry.Text, e.Entry.URL)
		}
	case *page.EventJavascriptDialogOpening:
		w.add("a script opened a dialog: %q", e.Message)
	case *network.EventRequestWillBeSent:
		if !strings.HasPrefix(e.Request.URL, w.origin) {
			w.add("request to another origin: %s", e.Request.URL)
		}
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			w.add("%s answered %d", e.Response.URL, int(e.Response.Status))
		}
	}
}

func (w *watcher) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.bad
	w.bad = nil
	return out
}

// browse starts a headless Chromium watched by w.
func browse(t *testing.T, w *watcher) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// Log and network are enabled by chromedp for every tab.
	if err := chromedp.Listen(ctx, w.listen); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// screenshotDir keeps the screenshots: $SPPCRAWL_SCREENSHOTS (for a
// reviewer to look at), else the test's temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("SPPCRAWL_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A person follows search → result → article → version → diff by
// clicking, and sees the title, 来源 and the inserted characters; every
// page kind renders without a script error, a CSP violation, a request
// elsewhere or a broken image or link, and has no horizontal scroll at
// 390 px.
func TestBrowser_SearchToDiff(t *testing.T) {
	srv, _ := newSite(t)
	w := &watcher{origin: srv.URL}
	ctx := browse(t, w)
	dir := screenshotDir(t)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"home", []chromedp.Action[chromedp.Void]{chromedp.Navigate(srv.URL + "/"), chromedp.WaitVisible(css("form.hero"))}},
		{"search", []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(css("form.hero input[name=q]"), "修订"),
			chromedp.Submit(css("form.hero input[name=q]")),
			chromedp.WaitVisible(css("ol.list li a")),
		}},
		{"article", []chromedp.Action[chromedp.Void]{
			chromedp.Click(css("ol.list li a"), chromedp.NodeVisible),
			chromedp.WaitVisible(css("article h1")),
		}},
		{"version", []chromedp.Action[chromedp.Void]{
			chromedp.Click(css(`ol.timeline a[href$="/versions/1"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(css("p.banner")),
		}},
		{"diff", []chromedp.Action[chromedp.Void]{
			chromedp.Click(css(`p.banner a[href*="/diff"]`), chromedp.NodeVisible),
			chromedp.WaitVisible(css(".change ins")),
		}},
	}
	text := map[string]string{}
	for _, s := range steps {
		if err := chromedp.Do(tctx, s.actions...); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, sel := range []string{"article h1", "article .meta", "p.banner", ".change ins"} {
			if v, err := chromedp.Run(tctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, sel))); err == nil && v != "" {
				text[s.name+" "+sel] = v
			}
		}
		shoot(t, tctx, dir, "desktop-"+s.name)
		checkPage(t, tctx, s.name)
		if bad := w.take(); len(bad) > 0 {
			t.Errorf("%s: %s", s.name, strings.Join(bad, "; "))
		}
	}
	h1, meta, banner, ins := text["article article h1"], text["article article .meta"], text["version p.banner"], text["diff .change ins"]
	if !strings.Contains(h1, "最高检发布第1批指导性案例（修订）") || !strings.Contains(meta, "来源：最高人民检察院") {
		t.Errorf("article: title %q, meta %q", h1, meta)
	}
	if !strings.Contains(banner, "这是第 1 版") {
		t.Errorf("version: banner %q", banner)
	}
	if ins != "（已更正）" {
		t.Errorf("diff: inserted %q, want （已更正）", ins)
	}
}

// Every page kind at a phone's width (390 px) and a desktop's: no
// horizontal scroll, nothing broken, and the hostile page's scripts
// never run.
func TestBrowser_EveryPageKind(t *testing.T) {
	srv, _ := newSite(t)
	w := &watcher{origin: srv.URL}
	ctx := browse(t, w)
	dir := screenshotDir(t)
	pages := map[string]string{
		"home":      "/",
		"search":    "/search?q=%E7%AC%AC%E4%B8%80%E6%AE%B5&facets=channel",
		"browse":    "/search?channel=jczdal",
		"article":   "/articles/" + corrected,
		"version":   "/articles/" + corrected + "/versions/2",
		"diff":      "/articles/" + corrected + "/diff?from=1&to=3",
		"cases":     "/cases",
		"case":      "/articles/" + withCases,
		"documents": "/documents",
		"document":  "/articles/" + document,
		"withdrawn": "/articles/" + withdrawn,
		"hostile":   "/articles/" + hostile,
		"channels":  "/channels",
	}
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, width := range []int64{390, 1280} {
		for _, name := range names {
			tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			viewport := chromedp.EmulateViewport(width, 844)
			if width < 500 {
				viewport = chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile)
			}
			err := chromedp.Do(tctx, viewport, chromedp.Navigate(srv.URL+pages[name]), chromedp.WaitReady(chromedp.CSS("body")))
			if err != nil {
				cancel()
				t.Fatalf("%s at %d px: %v", name, width, err)
			}
			scroll, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if scroll {
				t.Errorf("%s at %d px scrolls sideways", name, width)
			}
			checkPage(t, tctx, name)
			shoot(t, tctx, dir, fmt.Sprintf("%d-%s", width, name))
			cancel()
			if bad := w.take(); len(bad) > 0 {
				t.Errorf("%s at %d px: %s", name, width, strings.Join(bad, "; "))
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

// checkPage finds the images of the page that did not load and the links
// to its own origin that answer 400 or more.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)`))
	if err != nil {
		t.Fatal(err)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.href).filter(h => h.startsWith(location.origin))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("%s: images that do not load: %v", name, broken)
	}
	slices.Sort(links)
	for _, l := range slices.Compact(links) {
		l = strings.SplitN(l, "#", 2)[0]
		resp, err := http.Head(l)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			t.Errorf("%s: link %s answers %d", name, l, resp.StatusCode)
		}
	}
}
