package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"sppcrawl/search"

	"sppcrawl"
)

// idPattern is the shape of every article id, a site's key and its
// document id (spp-1234567, gd.jcy-7770799, 12309-8243278); anything else
// is refused before it reaches the archive.
var idPattern = regexp.MustCompile(`^[0-9a-z]{1,63}(?:[.-][0-9a-z]{1,63}){0,4}-[0-9a-z]{1,40}$`)

const (
	defaultLimit = 100
	maxLimit     = 1000
	feedItems    = 50
)

// Options tune a Server.
type Options struct {
	Logger *slog.Logger
	// Metrics receives HTTP counts and serves /metrics; nil makes one.
	Metrics *Metrics
	// CrawlEvery is serve --crawl-every: /healthz turns 503 when no crawl
	// finished within three intervals. 0: the crawl runs elsewhere.
	CrawlEvery time.Duration
	// PublicURL is where this server is reached from outside
	// (https://example.org/spp): the media URLs of repost?media=local and
	// the feeds' self links start with it; "": with the request's scheme
	// and host.
	PublicURL string
	// Index answers /api/search and the saved-search feeds; nil: 503.
	Index *search.Index
	// Pages, when set, answers every path the API does not (the web UI),
	// with the API's compression, headers and request metrics.
	Pages http.Handler
	// WebSub, when set, is the hub (POST /websub), advertised by every feed.
	WebSub http.Handler
	Now    func() time.Time
}

// Server answers the pull interface. It never changes the archive.
type Server struct {
	db      Reader
	log     *slog.Logger
	metrics *Metrics
	every   time.Duration
	public  string
	now     func() time.Time
	started time.Time
	answers answerCache // rendered feeds and pages of cases
	chunks  chunks
	bySite  Kept[[]sppcrawl.SiteCount] // kept per generation for /healthz: counting reads every id
	index   *search.Index
	pages   http.Handler
	websub  http.Handler
}

// NewServer serves db.
func NewServer(db Reader, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(db)
	}
	return &Server{db: db, chunks: newChunks(db), log: opts.Logger, metrics: opts.Metrics, every: opts.CrawlEvery,
		public: strings.TrimRight(opts.PublicURL, "/"), now: opts.Now, started: opts.Now(), index: opts.Index, pages: opts.Pages, websub: opts.WebSub}
}

// Handler is the HTTP interface: routes, compression, security headers and
// request metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /api/articles/{id}/repost", s.repost)
	mux.HandleFunc("GET /api/articles/{id}/versions", s.versions)
	mux.HandleFunc("GET /api/articles/{id}/versions/{n}", s.version)

	mux.HandleFunc("GET /api/cases/{number}", s.oneCase)
	mux.HandleFunc("GET /api/search", s.search)

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metrics.handler())
	notFound := func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			jsonError(w, http.StatusMethodNotAllowed, "read-only API: only GET and HEAD")
			return
		}
		jsonError(w, http.StatusNotFound, "no such endpoint: see /api/articles, /feed.atom, /healthz, /metrics")
	}
	mux.HandleFunc("/api/", notFound)
	if s.pages != nil {
		mux.Handle("/", s.pages)
	} else {
		mux.HandleFunc("/", notFound)
	}
	gz, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(1), gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // only for invalid options, which are constant here
	}
	// Media files are served as stored: already compressed, and with Range
	// requests, which compression would break.
	top := http.NewServeMux()
	top.HandleFunc("GET /media/{sha}", s.media)
	// The articles are answered in gzip from their stored chunks, spliced:
	// compressing them again would cost what the splice saves.
	top.HandleFunc("GET /api/articles", s.articles)
	top.HandleFunc("GET /api/articles/{id}", s.article)
	// Feeds and pages of cases are kept rendered and compressed (cache.go).
	top.HandleFunc("GET /api/cases", s.cases)
	top.HandleFunc("GET /feed.atom", s.feed("atom"))
	top.HandleFunc("GET /feed.rss", s.feed("rss"))
	top.HandleFunc("GET /feed.json", s.feed("jsonfeed"))
	if s.websub != nil {
		top.Handle("POST /websub", s.websub)
	} else {
		top.HandleFunc("POST /websub", websubUnavailable)
	}
	top.Handle("/", gz(mux))
	return s.metrics.countHTTP(secure(top))
}

// secure sets the headers every answer carries.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
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

func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	newJSONEncoder(w).Encode(map[string]string{"error": msg})
}

// notModified sets the ETag and answers 304 when the client has it already.
// ETags are weak: the gzip and identity encodings of an answer are the same
// representation, and weak comparison is what If-None-Match uses.
func NotModified(w http.ResponseWriter, r *http.Request, tag string) bool {
	etag := `W/"` + tag + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// ETagOf is a tag of an answer's bytes.
func ETagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// serverError answers an error met answering r, with the status FaultOf
// maps it to: the client's words for a bad request, the reason for a
// damaged archive (an operator must know), "internal error" for anything
// unforeseen, whose details go to the log.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	f := FaultOf(err)
	msg := err.Error()
	switch f {
	case FaultCanceled:
		return
	case FaultRebuilding:
		s.log.Warn("search on a damaged index", "err", err)
		msg = "the search index is damaged and is being made again from the archive: try again in a minute"
	case FaultDamaged:
		s.log.Error("request failed: the archive is damaged", "path", r.URL.Path, "err", err)
	case FaultBusy:
		s.log.Warn("request met a busy archive", "path", r.URL.Path, "err", err)
		msg = "the archive is busy: try again shortly"
	case FaultInternal:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	if sec := f.RetryAfter(); sec > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(sec))
	}
	jsonError(w, f.Status(), msg)
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want an integer from %d to %d", name, sppcrawl.Clip(v, 200), lo, hi)
	}
	return n, nil
}

// pageParams reads the cursor and page size of a paged answer (?since=SEQ
// &limit=N), answering 400 itself when they make no sense.
func pageParams(w http.ResponseWriter, r *http.Request) (since, limit uint64, ok bool) {
	since, err := intParam(r, "since", 0, 0, 1<<62)
	if err == nil {
		limit, err = intParam(r, "limit", defaultLimit, 1, maxLimit)
	}
	if err != nil {
		jsonError(w, http.StatusBadRequest, err.Error())
		return 0, 0, false
	}
	return since, limit, true
}

func (s *Server) articleID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !idPattern.MatchString(id) {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("id %q: want a site's key and a number (spp-1234567, gd.jcy-7770799)", sppcrawl.Clip(id, 200)))
		return "", false
	}
	return id, true
}

// ParsePublicURL checks serve --public-url: "" or an absolute http(s) URL
// of a host, without query or fragment (media links are made below it).
func ParsePublicURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%q: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Opaque != "":
		return nil, fmt.Errorf("%q: want an absolute http(s) URL such as https://example.org/spp", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.ContainsAny(s, "?#\"'<>\\ \t\n"):
		return nil, fmt.Errorf("%q: want an http(s) URL without query, fragment, credentials or quotes", s)
	}
	return u, nil
}
