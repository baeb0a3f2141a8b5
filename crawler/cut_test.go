package crawler_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// closeDelimited answers body without a Content-Length and closes the
// connection after it: the client sees a normal end of body, whatever was
// cut.
func closeDelimited(t *testing.T, w http.ResponseWriter, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("no hijacker")
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n")
	buf.Write(body)
	buf.Flush()
}

// Answers cut anywhere before the end of the page are retried, never stored
// and never taken for gone; the article is stored whole once it comes
// through. A whole page with trailing bytes or without its last newline is
// fine at once.
func TestCrawl_CutAnswers(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var paths []string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/tt/") {
			paths = append(paths, p)
		}
	}
	page := func(p string) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return string(s.pages[p])
	}
	cutAt := map[string]func(string) string{
		paths[0]: func(b string) string { return b[:200] },                                         // in the head
		paths[1]: func(b string) string { return b[:strings.Index(b, "<nav>")+20] },                // in the navigation
		paths[2]: func(b string) string { return b[:strings.Index(b, `<div id="fontzoom">`)+300] }, // inside the body
		paths[3]: func(b string) string { return b[:strings.Index(b, `<div class="footer">`)] },    // after the body, before the footer
		paths[4]: func(b string) string { return b[:strings.Index(b, `<div id="fontzoom">`)+80] },  // every attempt of the walk: the final pass
		paths[5]: func(b string) string { return b + "\x00garbage<scr" },                           // whole, trailing garbage
		paths[6]: func(b string) string { return strings.TrimRight(b, "\n") },                      // whole, no final newline
	}
	cuts := map[string]int{paths[0]: 1, paths[1]: 2, paths[2]: 1, paths[3]: 3, paths[4]: 4, paths[5]: 99, paths[6]: 99}
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		f := cutAt[r.URL.Path]
		if f == nil || srv.hitsOf(r.URL.Path) > cuts[r.URL.Path] {
			return false
		}
		closeDelimited(t, w, []byte(f(page(r.URL.Path))))
		return true
	})
	db := openStore(t)
	sum, err := runOnce(t, fullConfig(t, srv, ""), db)
	if err != nil || sum.Outcome != "ok" || sum.Gone != 0 || sum.Failures != 0 || sum.Recovered != 1 {
		t.Fatalf("run: %v, %s; want ok, nothing gone, one recovered in the final pass", err, sum)
	}
	checkArchive(t, db, s)
	for p, n := range cuts {
		want := min(n, 4) + 1
		if n == 99 {
			want = 1
		}
		if got := srv.hitsOf(p); got != want {
			t.Errorf("%s requested %d times, want %d", p, got, want)
		}
	}
}

// A page of no known layout at a detail URL is a failure retried on the
// failure log's schedule, never gone: perhaps the template changed.
func TestCrawl_UnknownLayoutNotGone(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	var odd string
	for _, p := range s.detailPaths() {
		if strings.HasPrefix(p, "/spp/gjgb/") {
			odd = p
			break
		}
	}
	const newTemplate = `<!DOCTYPE html><html><head><meta charset="UTF-8"><title>改版后的页面_中华人民共和国最高人民检察院</title></head>
<body><div class="new_layout"><h2>改版后的页面</h2><section>正文换了容器。</section></div></body></html>`
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == odd {
			w.Write([]byte(newTemplate))
			return true
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	sum, err := runOnce(t, cfg, db)
	if err != nil || sum.Failures != 1 || sum.Gone != 0 {
		t.Errorf("summary %s: want one failure, nothing gone", sum)
	}
	if n := srv.hitsOf(odd); n != 1 {
		t.Errorf("unknown layout requested %d times in the run, want 1 (not transient)", n)
	}
	f, ok, _ := db.Failure(context.Background(), "https://www.spp.gov.cn"+odd)
	if !ok || f.Gone || f.NextRetry.IsZero() || !strings.Contains(f.LastError, "unknown layout") {
		t.Fatalf("failure %+v: want a retried failure saying unknown layout", f)
	}
	// The page comes back in the old layout: the next due run stores it.
	srv.setFault(nil)
	later := time.Now().Add(10 * time.Minute)
	cfg.Full, cfg.Now = false, func() time.Time { return later }
	if sum := mustRun(t, cfg, db); sum.Created != 1 {
		t.Errorf("due retry: %s", sum)
	}
	if kept, err := db.Unparsed(context.Background()); err != nil || len(kept) != 0 {
		t.Errorf("pages kept unparsed once stored: %q, %v; want none", kept, err)
	}
	checkArchive(t, db, s)
}

// A list page over --max-body is not read whole: a failure, not a short
// list, and the walk resumes there later.
func TestCrawl_OversizedListPage(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	srv.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/spp/tt/index_2.shtml" {
			s.mu.Lock()
			b := s.pages[r.URL.Path]
			s.mu.Unlock()
			w.Write(bytes.Replace(b, []byte("</head>"), []byte("<!--"+strings.Repeat("x", 40<<10)+"--></head>"), 1))
			return true
		}
		return false
	})
	db := openStore(t)
	cfg := fullConfig(t, srv, "tt")
	cfg.MaxBody = 32 << 10
	sum, err := runOnce(t, cfg, db)
	if err != nil || sum.Failures != 1 || len(sum.Resuming) != 1 {
		t.Fatalf("run: %v %s; want the list page failed and the walk left to resume", err, sum)
	}
	f, ok, _ := db.Failure(context.Background(), "https://www.spp.gov.cn/spp/tt/index_2.shtml")
	if !ok || !strings.Contains(f.LastError, "--max-body") {
		t.Errorf("failure %+v", f)
	}
}
