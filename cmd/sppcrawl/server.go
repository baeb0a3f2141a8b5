package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"sppcrawl/extract"
	"sppcrawl/store"
)

// idPattern is the shape of every article id; anything else is refused
// before it reaches the archive.
var idPattern = regexp.MustCompile(`^spp-[0-9a-z]{1,40}$`)

const (
	defaultLimit = 100
	maxLimit     = 1000
	feedItems    = 50
)

// apiServer answers the pull interface. It never changes the archive.
type apiServer struct {
	db      *store.DB
	log     *slog.Logger
	started time.Time

	mu       sync.Mutex
	requests map[string]int // "route code" → count
}

func newAPIServer(db *store.DB, log *slog.Logger) *apiServer {
	return &apiServer{db: db, log: log, started: time.Now(), requests: map[string]int{}}
}

func (s *apiServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/articles", s.articles)
	mux.HandleFunc("GET /api/articles/{id}", s.article)
	mux.HandleFunc("GET /api/articles/{id}/repost", s.repost)
	mux.HandleFunc("GET /feed.atom", s.feed("atom", "application/atom+xml; charset=utf-8"))
	mux.HandleFunc("GET /feed.rss", s.feed("rss", "application/rss+xml; charset=utf-8"))
	mux.HandleFunc("GET /feed.json", s.feed("jsonfeed", "application/feed+json; charset=utf-8"))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			jsonError(w, http.StatusMethodNotAllowed, "read-only API: only GET and HEAD")
			return
		}
		jsonError(w, http.StatusNotFound, "no such endpoint: see /api/articles, /feed.atom, /healthz, /metrics")
	})
	return s.count(gzipped(mux))
}

// route names a request for metrics by the mux pattern it matched (set on
// the request by ServeMux), so labels stay bounded and never drift from the
// routes above.
func route(r *http.Request) string {
	p := strings.TrimPrefix(r.Pattern, "GET ")
	if p == "" || p == "/" {
		return "other"
	}
	return p
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *apiServer) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.mu.Lock()
		s.requests[route(r)+" "+strconv.Itoa(sw.code)]++
		s.mu.Unlock()
	})
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"error": msg})
}

// notModified sets the ETag and answers 304 when the client has it already.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func (s *apiServer) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		jsonError(w, http.StatusNotFound, "no such article")
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	jsonError(w, http.StatusInternalServerError, "internal error")
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want an integer from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

// articles: GET /api/articles?since=SEQ&limit=N → {"articles":[…],"next_since":SEQ}.
// Articles come in seq order; an updated article comes again at its new seq.
func (s *apiServer) articles(w http.ResponseWriter, r *http.Request) {
	since, err := intParam(r, "since", 0, 0, 1<<62)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit, err := intParam(r, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if notModified(w, r, fmt.Sprintf(`W/"g%d-s%d-l%d"`, gen, since, limit)) {
		return
	}
	items, next, err := s.db.SinceJSON(r.Context(), since, int(limit))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	size := 64
	for _, it := range items {
		size += len(it) + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.WriteString(`{"articles":[`)
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it)
	}
	fmt.Fprintf(buf, "],\"next_since\":%d}\n", next)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *apiServer) articleID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("id %q: want spp-<digits>", id))
		return "", false
	}
	return id, true
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

func (s *apiServer) article(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	b, err := s.db.GetJSON(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if notModified(w, r, etagOf(b)) {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(b, '\n'))
}

var repostTmpl = template.Must(template.New("repost").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.A.Title}}</title>
<link rel="canonical" href="{{.A.URL}}">
</head>
<body>
<article class="spp-repost">
<header>
{{- if .A.Kicker}}
<p class="kicker">{{.A.Kicker}}</p>
{{- end}}
<h1>{{.A.Title}}</h1>
{{- if .A.Subtitle}}
<p class="subtitle">{{.A.Subtitle}}</p>
{{- end}}
<p class="meta">发布时间：{{.Published}}{{if .A.Source}}　来源：{{.A.Source}}{{end}}{{if .A.Author}}　作者：{{.A.Author}}{{end}}</p>
</header>
{{.Body}}
<footer>
{{- if .A.Editor}}
<p class="editor">[责任编辑：{{.A.Editor}}]</p>
{{- end}}
<p class="source-link">原文链接：<a href="{{.A.URL}}">{{.A.URL}}</a></p>
</footer>
</article>
</body>
</html>
`))

// repost: ready-to-paste HTML with the title block, 发布时间, 来源, the body
// and the 原文链接 footer.
func (s *apiServer) repost(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	st, err := s.db.Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	err = repostTmpl.Execute(&buf, map[string]any{
		"A":         st.Article,
		"Published": st.PublishedAt.In(extract.CST()).Format("2006-01-02 15:04"),
		// body_html was sanitised by extract: structural tags and absolute links only.
		"Body": template.HTML(st.BodyHTML),
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if notModified(w, r, etagOf(buf.Bytes())) {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *apiServer) feed(format, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var f exportFilter
		if c := r.URL.Query().Get("channel"); c != "" {
			p, err := channelPath(c)
			if err != nil || !strings.HasPrefix(p, "/") || strings.Contains(p, "..") {
				jsonError(w, http.StatusBadRequest, fmt.Sprintf("channel %q: want a key such as jczdal (see sppcrawl channels)", c))
				return
			}
			f.channel = p
		}
		gen, err := s.db.Generation(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if notModified(w, r, fmt.Sprintf(`W/"g%d-%s-%s"`, gen, format, f.channel)) {
			return
		}
		arts, err := latest(r.Context(), s.db, feedItems, f)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		var buf bytes.Buffer
		scheme := "http"
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
			scheme = "https" // behind a TLS-terminating proxy
		}
		self := scheme + "://" + r.Host + r.URL.RequestURI()
		if err := writeFeed(&buf, format, arts, feedMeta{channel: f.channel, selfURL: self}); err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Write(buf.Bytes())
	}
}

func (s *apiServer) healthz(w http.ResponseWriter, r *http.Request) {
	n, err := s.db.Count(r.Context())
	if err != nil {
		jsonError(w, http.StatusServiceUnavailable, "archive unreadable: "+err.Error())
		return
	}
	out := map[string]any{"status": "ok", "articles": n}
	if run, ok, _ := s.db.LastRun(r.Context()); ok {
		out["last_crawl"] = run.Finished
		out["last_crawl_outcome"] = run.Outcome
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// metrics writes the Prometheus text exposition format.
func (s *apiServer) metrics(w http.ResponseWriter, r *http.Request) {
	st, err := gatherStats(r.Context(), s.db, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var b strings.Builder
	metric := func(name, help, typ string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("sppcrawl_articles", "Articles in the archive.", "gauge")
	fmt.Fprintf(&b, "sppcrawl_articles %d\n", st.Articles)
	metric("sppcrawl_last_seq", "Highest export sequence number handed out.", "gauge")
	fmt.Fprintf(&b, "sppcrawl_last_seq %d\n", st.LastSeq)
	metric("sppcrawl_channel_articles", "Articles per channel.", "gauge")
	for _, c := range st.Channels {
		fmt.Fprintf(&b, "sppcrawl_channel_articles{channel=%q} %d\n", c.Path, c.Articles)
	}
	metric("sppcrawl_failures", "Pages that failed, by state.", "gauge")
	fmt.Fprintf(&b, "sppcrawl_failures{state=\"due\"} %d\nsppcrawl_failures{state=\"waiting\"} %d\nsppcrawl_failures{state=\"gone\"} %d\n", st.FailuresDue, st.FailuresWait, st.Gone)
	if run := st.LastRun; run != nil {
		metric("sppcrawl_last_crawl_timestamp_seconds", "When the last crawl finished.", "gauge")
		fmt.Fprintf(&b, "sppcrawl_last_crawl_timestamp_seconds %d\n", run.Finished.Unix())
		metric("sppcrawl_last_crawl_duration_seconds", "How long the last crawl took.", "gauge")
		fmt.Fprintf(&b, "sppcrawl_last_crawl_duration_seconds %.3f\n", run.Finished.Sub(run.Started).Seconds())
		metric("sppcrawl_last_crawl_success", "1 if the last crawl ended ok, else 0.", "gauge")
		ok := 0
		if run.Outcome == "ok" {
			ok = 1
		}
		fmt.Fprintf(&b, "sppcrawl_last_crawl_success %d\n", ok)
		metric("sppcrawl_last_crawl_articles", "Articles of the last crawl by outcome.", "gauge")
		for _, kv := range []struct {
			k string
			v int
		}{{"created", run.Created}, {"updated", run.Updated}, {"unchanged", run.Unchanged}, {"aliased", run.Aliased}, {"failed", run.Failures}, {"gone", run.Gone}} {
			fmt.Fprintf(&b, "sppcrawl_last_crawl_articles{outcome=%q} %d\n", kv.k, kv.v)
		}
	}
	metric("sppcrawl_http_requests_total", "HTTP requests served, by route and status code.", "counter")
	s.mu.Lock()
	keys := make([]string, 0, len(s.requests))
	for k := range s.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rt, code, _ := strings.Cut(k, " ")
		fmt.Fprintf(&b, "sppcrawl_http_requests_total{route=%q,code=%q} %d\n", rt, code, s.requests[k])
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	io.WriteString(w, b.String())
}

// gzipped compresses answers for clients that accept gzip.
func gzipped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gz := gzipPool.Get().(*gzip.Writer)
		defer gzipPool.Put(gz)
		gw := &gzipWriter{ResponseWriter: w, gz: gz}
		next.ServeHTTP(gw, r)
		gw.finish()
	})
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// gzipWriter starts compressing at the first body write of a 200 answer;
// 304s and errors pass through unchanged.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	started bool
	code    int
}

func (w *gzipWriter) WriteHeader(code int) {
	w.code = code
	if code != http.StatusOK {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if w.code != 0 && w.code != http.StatusOK {
		return w.ResponseWriter.Write(b)
	}
	if !w.started {
		w.started = true
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Del("Content-Length")
		if etag := w.Header().Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			w.Header().Set("ETag", "W/"+etag) // the bytes differ from the identity encoding
		}
		w.ResponseWriter.WriteHeader(http.StatusOK)
		w.gz.Reset(w.ResponseWriter)
	}
	return w.gz.Write(b)
}

func (w *gzipWriter) finish() {
	if w.started {
		w.gz.Close()
	} else if w.code == http.StatusOK {
		w.ResponseWriter.WriteHeader(http.StatusOK)
	}
}
