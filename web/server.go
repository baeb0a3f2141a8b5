package web

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
	"sppcrawl/sites"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// csp lets a page load only what its own origin serves (an image without
// an archived copy is a link, not a fetch from the site): no inline
// script or style, no frame, no form posting elsewhere.
const csp = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Options configure a Server.
type Options struct {
	// Index answers /search and lists the documents; nil: those pages say
	// search is not available.
	Index   *search.Index
	Logger  *slog.Logger
	Version string // the program's, for the footer
	// PublicURL is serve --public-url: where the repost HTML's archived
	// media are linked from ("" : the address of the request).
	PublicURL string
	Now       func() time.Time
}

// Server renders the pages. It never changes the archive.
type Server struct {
	db     publish.Reader
	ix     *search.Index
	log    *slog.Logger
	now    func() time.Time
	ver    string
	public string
	pages  map[string]*template.Template
	// kept per archive generation: the cases, the week's changes
	caseRows publish.Kept[[]caseRow]
	recent   publish.Kept[[]*sppcrawl.Article]
	bySite   publish.Kept[[]sppcrawl.SiteCount] // a count that reads every id
}

// pageNames are the templates of the pages, each with the layout.
var pageNames = []string{"home", "search", "article", "diff", "channels", "gaps", "cases", "documents", "error"}

// New renders the archive db.
func New(db publish.Reader, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{db: db, ix: opts.Index, log: opts.Logger, now: opts.Now, ver: opts.Version, public: opts.PublicURL, pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		s.pages[name] = template.Must(template.New("layout.tmpl").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.tmpl", "templates/"+name+".tmpl"))
	}
	return s
}

// Handler routes the pages; anything else is a 404 page.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /search", s.search)
	mux.HandleFunc("GET /articles/{id}", s.article)
	mux.HandleFunc("GET /articles/{id}/versions/{n}", s.version)
	mux.HandleFunc("GET /articles/{id}/diff", s.diff)
	mux.HandleFunc("GET /channels", s.channels)
	mux.HandleFunc("GET /channels/{key}/gaps", s.gaps)
	mux.HandleFunc("GET /cases", s.cases)
	mux.HandleFunc("GET /documents", s.documents)
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Named by content would be better; the assets change only with the
		// binary, so a day's caching is safe enough.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/static/icon.svg"
		mux.ServeHTTP(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.fail(w, r, http.StatusMethodNotAllowed, "只读：本站只接受 GET 和 HEAD 请求。")
			return
		}
		s.fail(w, r, http.StatusNotFound, "没有这个页面。")
	})
	return mux
}

// page is what every template gets: the page's title and data, and what
// the header needs.
type page struct {
	Title string
	Nav   string // the section the page belongs to
	Query string // kept in the header's search box
	// OwnSearch: the page has its own search form, the header none (one
	// box, not two repeating the query on a phone's first screen).
	OwnSearch bool
	Version   string
	Data      any
	Skipped   int // records of the archive left out: they do not decode
	// Source is the site the page's content is from, which the footer
	// credits: an article's own; nil for a page not of one article.
	Source sppcrawl.Site
	// Credits are the sites the footer credits: Source, else those the
	// page shows articles of (see credits).
	Credits []sppcrawl.Site
}

// skip counts the records a read left out (they do not decode: the page
// shows the rest and says so) and returns any other error.
func (p *page) skip(err error) error {
	n, err := skippedOf(err)
	p.Skipped += n
	return err
}

// render writes a page: HTML under the CSP, with an ETag of its bytes.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Version = s.ver
	switch {
	case p.Source != nil:
		p.Credits = []sppcrawl.Site{p.Source}
	case status >= 500:
		// The archive failed the page: it is not asked again for the
		// footer's sake.
		p.Credits = []sppcrawl.Site{sites.Default()}
	default:
		p.Credits = s.credits(r)
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, p); err != nil {
		s.log.Error("page failed to render", "page", name, "path", r.URL.Path, "err", err)
		if name != "error" {
			s.fail(w, r, http.StatusInternalServerError, "页面生成失败。")
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("Referrer-Policy", "same-origin")
	if status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
	} else if publish.NotModified(w, r, publish.ETagOf(buf.Bytes())) {
		return
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Status         int
	Message        string
	Link, LinkText string // where to go instead, if somewhere
}

// fail answers an error page in the site's style: the reason in words,
// never a Go error string or a stack.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.failLink(w, r, status, msg, "", "")
}

// failLink is fail with a link to where the reader may go instead.
func (s *Server) failLink(w http.ResponseWriter, r *http.Request, status int, msg, link, text string) {
	title := map[int]string{400: "请求有误", 404: "未找到", 405: "不允许的方法", 500: "出错了", 503: "暂不可用"}[status]
	s.render(w, r, status, "error", page{Title: title, Data: errorPage{status, msg, link, text}})
}

// archiveError answers an error met reading what for a page, with the
// status publish.FaultOf maps it to (the API's too): 404 for what is not
// there, 500 with the reason for a damaged archive, 503 for a busy one,
// else 500 in general.
func (s *Server) archiveError(w http.ResponseWriter, r *http.Request, what string, err error) {
	f := publish.FaultOf(err)
	switch f {
	case publish.FaultCanceled:
		return
	case publish.FaultNotFound:
		s.fail(w, r, f.Status(), what+"不在档案中。")
		return
	case publish.FaultDamaged:
		s.log.Error("page failed: the archive is damaged", "path", r.URL.Path, "err", err)
		s.fail(w, r, f.Status(), what+"无法读取：档案文件已损坏。管理员可用 sppcrawl verify 查明损坏之处，用 verify --repair 抢救其余内容。")
		return
	case publish.FaultBusy:
		s.log.Warn("page met a busy archive", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter()))
		s.fail(w, r, f.Status(), "档案正忙，请稍后再试。")
		return
	}
	s.log.Error("page failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "读取档案时出错。")
}

// keywordSearch is the search page of a case keyword: a query in the
// query language, whatever the keyword holds (quotes, spaces, OR).
func keywordSearch(k string) string {
	q := search.Query{Clauses: []search.Clause{{Terms: []search.Term{{Field: "keyword", Text: k}}}}}
	return "/search?q=" + url.QueryEscape(q.String())
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(sppcrawl.CST()).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(sppcrawl.CST()).Format("2006-01-02 15:04")
	},
	"channelName": func(path string) string { return cmp.Or(sites.ChannelByPath(path).Name, path) },
	"channelKey":  func(path string) string { return cmp.Or(sites.ChannelByPath(path).Key, path) },
	"fieldName": func(name string) string {
		return cmp.Or(map[string]string{"title": "标题", "kicker": "引题", "subtitle": "副题", "published_at": "发布时间",
			"modified_at": "修改时间", "source": "来源", "author": "作者", "editor": "责任编辑", "channel": "频道",
			"channel_path": "频道路径"}[name], name)
	},
	"runLine":       func(s *sppcrawl.RunSummary) string { return runLine(*s) },
	"runOutcome":    func(o sppcrawl.RunOutcome) string { return runOutcomes[o] },
	"healthWord":    healthWord,
	"reasonText":    reasonText,
	"walkText":      walkText,
	"gapWhy":        gapWhy,
	"damageText":    damageText,
	"keywordSearch": keywordSearch,
	"articleSite":   articleSite,
	"siteName":      siteName,
	"join":          strings.Join,
	"add":           func(a, b int) int { return a + b },
	"sprintf":       fmt.Sprintf,
}
